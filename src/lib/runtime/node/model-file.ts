// Node only: read a model file straight into a buffer with spare capacity, so the capture rewrite
// appends its extra outputs in place and the weights exist exactly once in memory.
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { ModelError } from '../../onnx/errors.js';
import { spareFor, type ModelBuffer } from '../../onnx/rewrite.js';

/**
 * Files larger than this are refused: a protobuf message cannot exceed 2 GiB, and onnxruntime-web
 * (32-bit WASM) could not hold much more anyway. Bigger models keep weights in external data.
 */
export const MAX_MODEL_BYTES = 2 ** 31 - 1;

export interface ModelFileOptions {
	maxBytes?: number;
}

export async function readModelFile(path: string, opts: ModelFileOptions = {}): Promise<ModelBuffer> {
	const max = opts.maxBytes ?? MAX_MODEL_BYTES;
	const fh = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
		throw fileError(path, e);
	});
	try {
		const st = await fh.stat();
		if (st.isDirectory()) throw new ModelError(`${path} is a directory, not an .onnx file.`);
		const size = st.size;
		if (size > max)
			throw new ModelError(
				`${basename(path)} is ${mb(size)}, over the ${mb(max)} limit for one model file.`,
				'Export the weights as external data (they are read next to the model).'
			);
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
		case 'ENOENT': return new ModelError(`No such file: ${path}`);
		case 'EACCES': case 'EPERM': return new ModelError(`Permission denied: ${path}`);
		case 'EISDIR': return new ModelError(`${path} is a directory, not a file.`);
		default: return new ModelError(`Cannot read ${path}: ${e.message}`);
	}
}

export function mb(bytes: number): string {
	if (bytes >= 1 << 30) return `${(bytes / (1 << 30)).toFixed(1)} GiB`;
	if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
	return `${(bytes / 1024).toFixed(1)} KiB`;
}
