// `npm run models`: write the zoo (models/<id>.onnx and models/index.json), byte-for-byte
// deterministic. tests/unit/zoo.test.ts regenerates and compares with the committed files.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zooFiles } from './zoo/files.js';

const dir = dirname(fileURLToPath(import.meta.url));
for (const { file, bytes } of zooFiles()) {
	writeFileSync(join(dir, file), bytes);
	console.log(`models/${file}  ${bytes.byteLength} bytes`);
}
