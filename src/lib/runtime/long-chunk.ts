// Attention in query chunks, the chain it replays. A decomposed softmax attention computes
// Q K^T, scale, mask and Softmax over [1, H, S, S] before MatMul(pattern, V): four squares of
// 192 MiB each at 2048 tokens for GPT-2 small. Every op on that chain is row-wise in the query
// axis, so rows [r0, r1) of the pattern need only rows [r0, r1) of Q and of every side input that
// carries the query axis (a causal mask [S, S] or [1, 1, S, S]). This file finds such chains and
// the chunk height; long-chunk-nodes.ts writes the chunked nodes.
import type { Graph, GraphNode } from '../onnx/graph.js';

/** One node between Q K^T and the pattern: which input carries the scores, how the others are sliced. */
export interface ChainStep {
	node: GraphNode;
	/** Index of the input the scores arrive on. */
	data: number;
	/** Per input: 'rows' (slice its query axis), 'keep' (broadcast along the rows) or 'data'. */
	inputs: ('rows' | 'keep' | 'data')[];
}

export interface AttentionChain {
	/** The Q K^T MatMul: input 0 is Q (sliced), input 1 is K^T (kept). */
	qk: GraphNode;
	/** Scale, mask, casts, in order; the last one is the Softmax. */
	steps: ChainStep[];
	/** MatMul(pattern, V). */
	pv: GraphNode;
}

/** Ops the chain may hold between Q K^T and the Softmax: elementwise, so row-wise. */
const ROWWISE = new Set(['Div', 'Mul', 'Add', 'Sub', 'Where', 'Cast', 'Identity', 'Tanh']);

/** Bytes one chunk's [1, H, c, S] pattern may take; the chunk's temporaries are a few of these. */
export const CHUNK_BYTES = 32 * 1024 * 1024;
/** The smallest chunk worth its nodes (rounded up to the pooling block). */
export const MIN_CHUNK_ROWS = 64;

/**
 * Chunk height: the most rows whose [1, H, c, S] float32 pattern fits CHUNK_BYTES, a multiple of
 * the pooling block (so no block straddles two chunks), at least MIN_CHUNK_ROWS (rounded up to
 * the block), at most S rounded up to the block. GPT-2 small: 336 rows at 2048 (7 chunks),
 * 160 at 4096 (26 chunks).
 */
export function chunkRows(seq: number, heads: number, block: number, bytes = CHUNK_BYTES): number {
	const fit = Math.floor(bytes / (4 * Math.max(1, heads) * Math.max(1, seq)) / block) * block;
	const least = Math.ceil(MIN_CHUNK_ROWS / block) * block;
	return Math.min(Math.max(fit, least), Math.ceil(seq / block) * block);
}

/** Chunk starts for `seq` rows; the last chunk runs to the end whatever the run's length. */
export function chunkStarts(seq: number, rows: number): number[] {
	return Array.from({ length: Math.max(1, Math.ceil(seq / rows)) }, (_, k) => k * rows);
}

/** Whether nodes chunked for `g.seq` serve a run of `seq` tokens: every chunk of every layer keeps a row. */
export function chunksFit(g: { seq: number; layers: readonly { rows?: number }[] }, seq: number): boolean {
	return g.layers.every((L) => !L.rows || (chunkStarts(g.seq, L.rows).length - 1) * L.rows < seq);
}

/** The dims of a tensor where the file says or a Slice/Cast of a constant shows them; null when unknown. */
function dimsOf(graph: Graph, name: string, depth = 0): (number | string)[] | null {
	const c = graph.initializers.get(name) ?? graph.constants.get(name);
	if (c) return c.dims.map(Number);
	const v = graph.valueInfo.get(name);
	if (v?.dims) return v.dims as (number | string)[];
	const p = graph.producer.get(name);
	if (!p || depth > 8) return null;
	// Slicing keeps the rank; a size-1 axis stays 1 and a longer one is taken to be the sequence.
	if (['Slice', 'Cast', 'Identity', 'Not', 'Neg'].includes(p.opType) && p.inputs[0]) return dimsOf(graph, p.inputs[0], depth + 1);
	return null;
}

/** How a side input of a row-wise op is cut: 'rows' when it has a query axis longer than 1. */
function sideKind(graph: Graph, name: string): 'rows' | 'keep' | null {
	if (!name) return 'keep';
	const d = dimsOf(graph, name);
	if (!d) return null;
	if (d.length < 2) return 'keep'; // a scalar or a row over the keys: the same for every query row
	return d[d.length - 2] === 1 ? 'keep' : 'rows';
}

/** True when `t` feeds only `next` (and is no graph output): the chain may be replaced. */
function only(graph: Graph, t: string, next: GraphNode, outputs: ReadonlySet<string>): boolean {
	const c = graph.consumersOf(t);
	return !outputs.has(t) && c.length === 1 && c[0] === next && next.inputs.filter((i) => i === t).length === 1;
}

/**
 * The chain from Q K^T to MatMul(pattern, V) for this Softmax output, or null when it cannot be
 * replayed in chunks: another reader of a square, an op that is not row-wise, a side input whose
 * shape is unknown, a Softmax not over the last axis, or a pattern [B*H, S, S] (its heads are not
 * on axis 1).
 */
export function attentionChain(graph: Graph, pattern: string): AttentionChain | null {
	const outputs = new Set(graph.outputs.map((o) => o.name));
	const sm = graph.producer.get(pattern);
	if (!sm || sm.opType !== 'Softmax' || sm.domain !== '') return null;
	const axis = Number(sm.proto.attribute.find((a) => a.name === 'axis')?.i ?? (graph.opset >= 13 ? -1 : 1));
	if (axis !== -1 && axis !== 3) return null;
	const pvs = graph.consumersOf(pattern);
	const pv = pvs[0];
	if (pvs.length !== 1 || pv.opType !== 'MatMul' || pv.domain !== '' || pv.inputs[0] !== pattern || !only(graph, pattern, pv, outputs))
		return null;
	const steps: ChainStep[] = [{ node: sm, data: 0, inputs: ['data'] }];
	let t = sm.inputs[0];
	for (let depth = 0; depth < 16; depth++) {
		const p = graph.producer.get(t);
		if (!p || p.domain !== '' || !only(graph, t, steps[0].node, outputs)) return null;
		if (p.opType === 'MatMul') {
			if (p.inputs.length !== 2 || graph.initializers.has(p.inputs[0]) || graph.initializers.has(p.inputs[1])) return null;
			return { qk: p, steps, pv };
		}
		if (!ROWWISE.has(p.opType)) return null;
		// The scores arrive on the input whose producers lead back to a MatMul of two activations.
		const data = p.inputs.findIndex((i) => i && leadsToMatMul(graph, i));
		if (data < 0) return null;
		const inputs: ChainStep['inputs'] = [];
		for (const [k, i] of p.inputs.entries()) {
			const kind = k === data ? 'data' : sideKind(graph, i);
			if (!kind) return null;
			inputs.push(kind);
		}
		steps.unshift({ node: p, data, inputs });
		t = p.inputs[data];
	}
	return null;
}

function leadsToMatMul(graph: Graph, t: string, depth = 0): boolean {
	const p = graph.producer.get(t);
	if (!p || depth > 16) return false;
	if (p.opType === 'MatMul') return !graph.initializers.has(p.inputs[0] ?? '') && !graph.initializers.has(p.inputs[1] ?? '');
	return ROWWISE.has(p.opType) && p.inputs.some((i) => i && !graph.initializers.has(i) && leadsToMatMul(graph, i, depth + 1));
}
