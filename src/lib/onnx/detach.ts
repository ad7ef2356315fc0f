// Let go of a large model's bytes once ORT holds its own copy of the weights. The parsed model
// points into the file's buffer (every bytes field is a view), so keeping the Graph would keep the
// whole file: 476 MiB for GPT-2 small, a third of the page's memory at seq 512. Matrices that
// only feed MatMul/Gemm/Gather/Conv are dropped (no analysis reads their values: recognition
// reads small constants: eps, axes, masks, scales); every other bytes field gets its own copy.
import type { Graph } from './graph.js';
import { markDropped } from './tensor.js';

/** Ops whose weight input is only ever multiplied or looked up, never read by the analysis. */
const WEIGHT_OPS = new Set(['MatMul', 'Gemm', 'Gather', 'Conv', 'ConvTranspose', 'MatMulInteger', 'Einsum']);

export interface Detached {
	/** Initializers whose bytes were dropped, and their size. */
	dropped: number;
	droppedBytes: number;
	/** Bytes copied out of the buffer (everything else that pointed into it). */
	copiedBytes: number;
}

/** After this, nothing in `graph` refers to `buffer`; dropped weights read as unknown (tensorArray: null). */
export function detachModel(graph: Graph, buffer: ArrayBufferLike, minDrop = 1 << 20): Detached {
	const out: Detached = { dropped: 0, droppedBytes: 0, copiedBytes: 0 };
	const outputs = new Set(graph.outputs.map((o) => o.name));
	for (const [name, t] of graph.initializers) {
		const users = graph.consumers.get(name) ?? [];
		if (
			t.rawData.byteLength < minDrop ||
			outputs.has(name) ||
			!users.length ||
			!users.every((n) => WEIGHT_OPS.has(n.opType) && n.domain === '')
		)
			continue;
		out.droppedBytes += t.rawData.byteLength;
		out.dropped++;
		t.rawData = new Uint8Array(0);
		markDropped(t);
	}
	copyOut(graph.model, buffer, out, new Set());
	return out;
}

/** Every Uint8Array under `obj` (messages, repeated fields, unknown fields) that views `buffer` gets its own copy. */
function copyOut(obj: unknown, buffer: ArrayBufferLike, out: Detached, seen: Set<object>): void {
	if (!obj || typeof obj !== 'object' || seen.has(obj)) return;
	seen.add(obj);
	const own = (v: unknown): unknown => {
		if (v instanceof Uint8Array) {
			if (v.buffer !== buffer) return v;
			out.copiedBytes += v.byteLength;
			return new Uint8Array(v); // a copy (Buffer#slice would be a view)
		}
		copyOut(v, buffer, out, seen);
		return v;
	};
	if (Array.isArray(obj)) {
		for (let i = 0; i < obj.length; i++) obj[i] = own(obj[i]);
		return;
	}
	if (ArrayBuffer.isView(obj)) return;
	const rec = obj as Record<string, unknown>;
	for (const k of Object.keys(rec)) {
		const v = rec[k];
		if (v && typeof v === 'object') rec[k] = own(v);
	}
}
