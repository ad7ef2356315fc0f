// Node only: read a model file straight into a buffer with spare capacity, so the capture rewrite
// appends its extra outputs in place and the weights exist exactly once in memory. The file's size
// is checked against the memory budget (src/lib/runtime/limits.ts) before a byte is read.
import { open } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { basename } from 'node:path';
import { ModelError, spareFor, type ModelBuffer } from '../../onnx/index.js';
import { BUDGET_ENV, MAX_PROTOBUF_BYTES, checkModelSize, memoryBudget, type Budget } from '../limits.js';

/** A protobuf message cannot exceed 2 GiB; bigger models keep their weights in external data. */
export const MAX_MODEL_BYTES = MAX_PROTOBUF_BYTES;

/** The CLI's budget: BLOCKSCOPE_MEMORY_BUDGET, else 4 GiB or half this machine's memory. */
export function nodeBudget(env: Readonly<Record<string, string | undefined>> = process.env): Budget {
	return memoryBudget({ where: 'node', setting: env[BUDGET_ENV], settingName: BUDGET_ENV, totalMemoryBytes: totalmem() });
}

export interface ModelFileOptions {
	/** A limit in bytes instead of the budget (tests). */
	maxBytes?: number;
	budget?: Budget;
}

export async function readModelFile(path: string, opts: ModelFileOptions = {}): Promise<ModelBuffer> {
	const budget = opts.budget ?? (opts.maxBytes !== undefined ? { bytes: opts.maxBytes, source: "the caller's limit" } : nodeBudget());
	const fh = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
		throw fileError(path, e);
	});
	try {
		const st = await fh.stat();
		if (st.isDirectory()) throw new ModelError(`${path} is a directory, not an .onnx file.`);
		if (!st.isFile()) throw new ModelError(`${path} is not a regular file (a device, pipe or socket).`);
		const size = st.size;
		checkModelSize({ name: basename(path), bytes: size }, budget);
		// One allocation: the file, then room for the appended outputs. No second copy is made.
		const buffer = new Uint8Array(size + spareFor(size));
		let off = 0;
		while (off < size) {
			const { bytesRead } = await fh.read(buffer, off, Math.min(size - off, 1 << 30), off);
			if (bytesRead === 0) break; // file shrank while reading
			off += bytesRead;
		}
		return { buffer, length: off };
	} catch (e) {
		if (e instanceof ModelError) throw e;
		throw fileError(path, e as NodeJS.ErrnoException);
	} finally {
		await fh.close();
	}
}

export function fileError(path: string, e: NodeJS.ErrnoException): ModelError {
	switch (e.code) {
		case 'ENOENT':
			return new ModelError(`No such file: ${path}`);
		case 'EACCES':
		case 'EPERM':
			return new ModelError(`Permission denied: ${path}`);
		case 'EISDIR':
			return new ModelError(`${path} is a directory, not a file.`);
		case 'ENOTDIR':
			return new ModelError(`No such file: ${path} (a part of the path is not a folder).`);
		case 'ENAMETOOLONG':
			return new ModelError(`The file name is too long: ${path.slice(0, 80)}...`);
		default:
			return new ModelError(`Cannot read ${path}: ${e.message}`);
	}
}
