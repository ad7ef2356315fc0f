// External data in the browser: a model uploaded together with the file(s) its weights live in.
// ORT takes them as `externalData: [{ path, data }]`, path being `location` as the model spells it.
// The checks (safe locations, missing and short files) are the CLI's, from src/lib/onnx/external.
import type { Graph } from '../onnx/graph.js';
import {
	checkExternalSizes,
	externalDataLocations,
	externalRefs,
	locationFileName,
	missingExternalError,
	missingExternalFiles
} from '../onnx/external.js';
import type { ExtraFile } from './protocol.js';

/** Pairs each location with an uploaded file (by its last path part); names what is missing. */
export function matchExternal(graph: Graph, modelName: string, files: readonly ExtraFile[]): { path: string; data: Uint8Array }[] {
	const refs = externalRefs(graph);
	if (!refs.length) return [];
	const missing = missingExternalFiles(
		graph,
		files.map((f) => f.name)
	);
	if (missing.length) throw missingExternalError(modelName, missing, 'page');
	const out: { path: string; data: Uint8Array }[] = [];
	const sizes = new Map<string, number>();
	for (const loc of externalDataLocations(graph)) {
		const f = files.find((x) => locationFileName(x.name) === locationFileName(loc))!;
		sizes.set(loc, f.bytes.byteLength);
		out.push({ path: loc, data: new Uint8Array(f.bytes) });
	}
	checkExternalSizes(refs, sizes);
	return out;
}
