// External data: initializers whose bytes live in a separate file next to the model
// (data_location = EXTERNAL, `location` relative to the model's folder, as the ONNX tools write it).
// onnxruntime-web takes those files as `externalData: [{ path, data }]` in the session options,
// where `path` is the `location` string exactly as the model spells it.
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import type { Graph } from '../../onnx/graph.js';
import { ModelError } from '../../onnx/errors.js';
import { isExternal } from '../../onnx/tensor.js';
import { MAX_MODEL_BYTES, fileError, mb } from './model-file.js';

export interface ExternalDataFile {
	path: string;
	data: Uint8Array;
}

/** The distinct `location`s the model's tensors point to, in first-use order (pure). */
export function externalDataLocations(graph: Graph): string[] {
	const found = new Set<string>();
	for (const t of [...graph.initializers.values(), ...graph.constants.values()]) {
		if (!isExternal(t)) continue;
		const loc = t.externalData.find((e) => e.key === 'location')?.value;
		if (!loc) throw new ModelError(`Tensor "${t.name}" is marked external but names no file (location).`);
		found.add(loc);
	}
	return [...found];
}

/** Read every external data file from the model's folder; a missing one is named in the error. */
export async function loadExternalData(modelPath: string, graph: Graph, maxBytes = MAX_MODEL_BYTES): Promise<ExternalDataFile[]> {
	const dir = dirname(modelPath);
	const out: ExternalDataFile[] = [];
	let total = 0;
	for (const loc of externalDataLocations(graph)) {
		// As onnx.checker requires: relative, and inside the model's folder.
		const rel = normalize(loc);
		if (isAbsolute(loc) || rel === '..' || rel.startsWith('..' + sep))
			throw new ModelError(`External data location "${loc}" points outside the model's folder; refusing to read it.`);
		const file = join(dir, rel);
		const st = await stat(file).catch((e: NodeJS.ErrnoException) => {
			throw e.code === 'ENOENT'
				? new ModelError(`The model keeps its weights in "${loc}", which is not next to it (looked for ${file}).`, 'Put that file in the same folder as the model.')
				: fileError(file, e);
		});
		total += st.size;
		if (total > maxBytes) throw new ModelError(`External data is over ${mb(maxBytes)} in total; too large to load in WASM.`);
		const buf = await readFile(file).catch((e: NodeJS.ErrnoException) => {
			throw fileError(file, e);
		});
		out.push({ path: loc, data: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) });
	}
	return out;
}
