// What a result holds, and what the page keeps of it while the next one is computed. A layer step
// or head switch that re-runs replaces every tensor (the next result names them all again), so
// the page lets go of the tensors when it asks: the worker's next message and the previous one's
// buffers are then never alive together (at 2048 tokens each is the shown layer's [1, S, D] and
// [1, S, 4D] tensors and a [1, 1, S, S] head). The summaries and stream norms stay (a few MiB): the
// overview, head grid and residual-flow chart keep drawing while the step runs.
import type { ResultMessage } from './protocol.js';

/** Bytes of every typed array a result references: its tensors, and the summaries and norms of summary capture. */
export function heldBytes(r: ResultMessage): number {
	const seen = new Set<ArrayBufferLike>();
	let n = 0;
	const add = (a: ArrayBufferView | undefined) => {
		if (!a || seen.has(a.buffer)) return;
		seen.add(a.buffer);
		n += a.buffer.byteLength;
	};
	for (const t of r.tensors) add(t.data as ArrayBufferView);
	for (const L of r.long?.layers ?? []) {
		for (const x of L.rows) [x.max, x.argmax, x.entropy, x.sink].forEach(add);
		for (const p of L.pooled) [p.max, p.mean].forEach(add);
	}
	for (const a of Object.values(r.long?.norms ?? {})) add(a);
	return n;
}

/** The result without its tensors (and their per-tensor summaries): what the page holds while a step re-runs. */
export function withoutTensors(r: ResultMessage): ResultMessage {
	return { ...r, tensors: [], summaries: [] };
}
