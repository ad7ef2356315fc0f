// Fetch a model with progress, straight into a buffer with spare room after the bytes, so the
// capture rewrite can append its outputs in place (no second copy of the weights).
import { spareFor, type ModelBuffer } from '../onnx/rewrite.js';

export type OnBytes = (loaded: number, total: number | null) => void;

export async function fetchModel(url: string, onBytes: OnBytes, signal?: AbortSignal): Promise<ModelBuffer> {
	let res: Response;
	try {
		res = await fetch(url, { signal });
	} catch (e) {
		throw new Error(`Could not fetch ${url}: ${(e as Error).message}`, { cause: e });
	}
	if (!res.ok) throw new Error(`Could not fetch ${url}: HTTP ${res.status} ${res.statusText}`.trim());
	const header = res.headers.get('Content-Length');
	// A compressed response's length is not the body's; only trust it when identity-encoded.
	const total = header && !res.headers.get('Content-Encoding') ? Number(header) : null;
	return readBody(res, total, onBytes);
}

export async function readBody(res: Response, total: number | null, onBytes: OnBytes): Promise<ModelBuffer> {
	if (!res.body) {
		const bytes = new Uint8Array(await res.arrayBuffer());
		onBytes(bytes.byteLength, bytes.byteLength);
		return withSpare(bytes, bytes.byteLength);
	}
	let buffer = new Uint8Array((total ?? 1 << 20) + spareFor(total ?? 1 << 20));
	let length = 0;
	const reader = res.body.getReader();
	onBytes(0, total);
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		if (length + value.byteLength > buffer.byteLength) {
			// Unknown or wrong length: grow geometrically (amortized one extra copy).
			const grown = new Uint8Array(Math.max(buffer.byteLength * 2, length + value.byteLength) + spareFor(length));
			grown.set(buffer.subarray(0, length));
			buffer = grown;
		}
		buffer.set(value, length);
		length += value.byteLength;
		onBytes(length, total);
	}
	if (buffer.byteLength - length < spareFor(length)) return withSpare(buffer.subarray(0, length), length);
	return { buffer, length };
}

/** A buffer of the bytes plus spare capacity (copies once; for sources that were not streamed). */
export function withSpare(bytes: Uint8Array, length: number): ModelBuffer {
	const buffer = new Uint8Array(length + spareFor(length));
	buffer.set(bytes.subarray(0, length));
	return { buffer, length };
}
