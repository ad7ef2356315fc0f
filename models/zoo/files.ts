// Everything `npm run models` writes, as bytes: one .onnx per zoo id (default spelling) and
// index.json. Pure, so the test can regenerate and compare with the committed files.
import { encodeModel } from '../../src/lib/onnx/build.js';
import { DEFAULT_ZOO_ID, VARIANTS, ZOO_IDS } from './config.js';
import { buildZooModel } from './builder.js';

export interface ZooIndexEntry {
	id: string;
	file: string; // relative to models/
	title: string;
	description: string;
	default?: true;
}

export function zooIndex(): ZooIndexEntry[] {
	return ZOO_IDS.map((id) => ({
		id,
		file: `${id}.onnx`,
		title: VARIANTS[id].title,
		description: VARIANTS[id].description,
		...(id === DEFAULT_ZOO_ID ? { default: true as const } : {})
	}));
}

export function zooFiles(): { file: string; bytes: Uint8Array }[] {
	const files = ZOO_IDS.map((id) => ({ file: `${id}.onnx`, bytes: encodeModel(buildZooModel(id)) }));
	files.push({ file: 'index.json', bytes: new TextEncoder().encode(JSON.stringify(zooIndex(), null, '\t') + '\n') });
	return files;
}
