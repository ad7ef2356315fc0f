// The open model's bytes in the worker: read from their source into a buffer with room for the
// capture rewrite, let go of once a session has its own copy of the weights (large models), read
// again only when another session is needed (WebGPU failing over to WASM, the switch to selective
// capture). A picked file is read again from disk, a URL from the browser's cache.
import { ModelError, detachModel, weightCounts, type Graph, type ModelBuffer } from '../onnx/index.js';
import { MiB } from '../runtime/index.js';
import { fetchModel, readBody } from './fetch.js';
import type { ByteSource } from './protocol.js';

/** Models this large let go of their bytes once their session exists: -476 MiB for GPT-2 small. */
export const LET_GO_BYTES = 64 * MiB;

/** Progress of one read: a message, bytes so far, total (null: unknown). */
export type OnRead = (message: string, loaded: number, total: number | null) => void;

export interface HeldModel {
	/** The bytes; null once let go of. */
	buffer: ModelBuffer | null;
	source: ByteSource;
	graph: Graph;
	/** Never let go of the bytes (an inlined merged decoder's session reads weights from them). */
	keep?: boolean;
	/** The Graph no longer points into the bytes (detach.ts). */
	detached?: boolean;
	/** Bytes of the .onnx file as first read (a re-read must match). */
	model: { bytes: number };
}

export async function readSource(src: ByteSource, verb: string, onRead: OnRead): Promise<ModelBuffer> {
	const report = throttled((loaded, total) => onRead(`${verb} ${src.name}`, loaded, total));
	if (src.kind === 'url') {
		onRead(`${verb} ${src.name}`, 0, null);
		return fetchModel(src.url, report);
	}
	// Streamed from disk into a buffer sized for the file plus the rewrite's suffix (no second copy).
	return readBody(new Response(src.file.stream()), src.file.size, report);
}

/** The open model's bytes: kept, or read again. Free a re-read buffer (freeBytes) once its session exists. */
export async function bytesOf(m: HeldModel, onRead: OnRead): Promise<ModelBuffer> {
	if (m.buffer) return m.buffer;
	const buf = await readSource(m.source, 're-reading', onRead).catch((e: unknown) => {
		throw new ModelError(`Could not read ${m.source.name} again for a new session: ${(e as Error).message}`, 'Open the model again.');
	});
	if (buf.length !== m.model.bytes)
		throw new ModelError(
			`${m.source.name} changed since it was opened (${m.model.bytes} bytes then, ${buf.length} now).`,
			'Open the model again.'
		);
	return buf;
}

/**
 * Once a session exists, a large model's bytes go: ORT has its own copy of the weights, their
 * NaN/Inf counts are taken now (health.ts caches them), and the Graph keeps only what the analysis
 * reads (detach.ts).
 */
export function letGo(m: HeldModel): void {
	if (!m.buffer || m.buffer.length < LET_GO_BYTES || m.keep) return;
	if (!m.detached) {
		for (const t of m.graph.initializers.values()) weightCounts(t);
		detachModel(m.graph, m.buffer.buffer.buffer);
		m.detached = true;
	}
	freeBytes(m.buffer);
	m.buffer = null;
}

/** Frees a buffer at once (transfer(0)) rather than whenever the GC gets to it; nothing may point into it. */
export function freeBytes(buf: ModelBuffer): void {
	const ab = buf.buffer.buffer as ArrayBuffer & { transfer?: (n: number) => ArrayBuffer };
	if (typeof ab.transfer === 'function') ab.transfer(0);
}

/** Byte progress at most every 50 ms (and always the last), so a 500 MB read is not 8,000 messages. */
export function throttled(f: (loaded: number, total: number | null) => void): (loaded: number, total: number | null) => void {
	let last = 0;
	return (loaded, total) => {
		const now = performance.now();
		if (loaded !== total && loaded !== 0 && now - last < 50) return;
		last = now;
		f(loaded, total);
	};
}
