// Everything `npm run models` writes, as bytes: one .onnx per zoo id (default spelling) and
// index.json. Pure, so the test can regenerate and compare with the committed files.
import { encodeModel } from '../../src/lib/onnx/build.js';
import { DEFAULT_ZOO_ID, VARIANTS, ZOO_IDS } from './config.js';
import { buildZooModel } from './builder.js';
import { BROKEN, buildBrokenModel } from './broken.js';
import { FUSED_MEMBERS } from './fused.js';

export interface ZooIndexEntry {
	id: string;
	file: string; // relative to models/
	title: string;
	description: string;
	default?: true;
	/** Broken members (issue 6): what health must name as the first non-finite tensor, per capture set. */
	first_nonfinite?: { all: string; semantic: string };
}

export function zooIndex(): ZooIndexEntry[] {
	const healthy: ZooIndexEntry[] = ZOO_IDS.map((id) => ({
		id,
		file: `${id}.onnx`,
		title: VARIANTS[id].title,
		description: VARIANTS[id].description,
		...(id === DEFAULT_ZOO_ID ? { default: true as const } : {})
	}));
	const fused = FUSED_MEMBERS.map((m) => ({ id: m.id, file: `${m.id}.onnx`, title: m.title, description: m.description }));
	const broken = BROKEN.map((b) => ({
		id: b.id,
		file: `${b.id}.onnx`,
		title: b.title,
		description: b.description,
		first_nonfinite: b.first_nonfinite
	}));
	return [...healthy, ...fused, ...broken];
}

export function zooFiles(): { file: string; bytes: Uint8Array }[] {
	const files = ZOO_IDS.map((id) => ({ file: `${id}.onnx`, bytes: encodeModel(buildZooModel(id)) }));
	for (const m of FUSED_MEMBERS) files.push({ file: `${m.id}.onnx`, bytes: encodeModel(m.build()) });
	for (const b of BROKEN) files.push({ file: `${b.id}.onnx`, bytes: encodeModel(buildBrokenModel(b.id)) });
	files.push({ file: 'index.json', bytes: new TextEncoder().encode(JSON.stringify(zooIndex(), null, '\t') + '\n') });
	return files;
}
