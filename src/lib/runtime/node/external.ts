// External data in Node: the CLI reads the files a model names from the model's own folder, as
// the ONNX tools do. What the files are and which ones are needed is decided by the pure part in
// src/lib/onnx/external.ts (shared with the page); this only opens files.
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Graph } from '../../onnx/graph.js';
import { checkExternalSizes, externalDataLocations, externalRefs, missingExternalError } from '../../onnx/external.js';
import { checkModelSize, type Budget } from '../limits.js';
import { fileError, nodeBudget } from './model-file.js';

export { externalDataLocations };

export interface ExternalDataFile {
	path: string;
	data: Uint8Array;
}

export interface ExternalDataOptions {
	/** Default: nodeBudget() (BLOCKSCOPE_MEMORY_BUDGET, else the default). */
	budget?: Budget;
	/** Bytes of the .onnx file itself, counted against the budget with its external data. */
	modelBytes?: number;
}

/**
 * Read every external data file from the model's folder. Missing files are named (all of them),
 * sizes are checked against the budget and against the offsets the tensors need before a byte is
 * read.
 */
export async function loadExternalData(modelPath: string, graph: Graph, opts: ExternalDataOptions = {}): Promise<ExternalDataFile[]> {
	const refs = externalRefs(graph);
	const locations = externalDataLocations(graph);
	if (!locations.length) return [];
	const dir = dirname(modelPath);
	const sizes = new Map<string, number>();
	const missing: string[] = [];
	for (const loc of locations) {
		const file = join(dir, loc);
		const st = await stat(file).catch((e: NodeJS.ErrnoException) => {
			if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return null;
			throw fileError(file, e);
		});
		if (!st) missing.push(loc);
		else if (st.isDirectory()) throw fileError(file, Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
		else sizes.set(loc, st.size);
	}
	if (missing.length) throw missingExternalError(basename(modelPath), missing, 'cli');
	const total = [...sizes.values()].reduce((a, b) => a + b, 0);
	checkModelSize({ name: basename(modelPath), bytes: opts.modelBytes ?? 0, externalBytes: total }, opts.budget ?? nodeBudget());
	checkExternalSizes(refs, sizes);
	const out: ExternalDataFile[] = [];
	for (const loc of locations) {
		const file = join(dir, loc);
		const buf = await readFile(file).catch((e: NodeJS.ErrnoException) => {
			throw fileError(file, e);
		});
		out.push({ path: loc, data: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) });
	}
	return out;
}
