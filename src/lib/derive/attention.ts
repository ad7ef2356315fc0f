// com.microsoft Attention: Q, K, V = input @ weights + bias (packed [D_in, D_q + D_k + D_v]),
// num_heads heads each, scores scaled by `scale` (default 1/sqrt(head_size)), mask_index in its
// published forms, attention_bias added, unidirectional = causal. As ORT's CPU kernel does it:
// a raw 0/1 mask adds mask_filter_value where 0, an index masks keys outside [start, end).
import type { FusedAttention } from '../analysis/types.js';
import type { Graph } from '../onnx/graph.js';
import { attrInts } from '../onnx/graph.js';
import type { TensorStore } from '../tensor/store.js';
import { operand, type Operand } from './read.js';
import { headPattern, selfCheck } from './softmax.js';
import type { DerivedPattern } from './types.js';

export function msAttention(graph: Graph, store: TensorStore, f: FusedAttention): DerivedPattern | string {
	const [xName, wName, bName, maskName, pastName, biasName] = f.inputs;
	if (pastName) return 'Attention with a past state: only the prompt (no past) is recomputed';
	const x = operand(graph, store, xName);
	const w = operand(graph, store, wName);
	if (!x || !w) return `Attention: its input "${xName}" or weights "${wName}" were not captured`;
	const [B, S, Din] = x.dims;
	const width = w.dims[1];
	const sizes = attrInts(graph.nodes[f.node], 'qkv_hidden_sizes') ?? [width / 3, width / 3, width / 3];
	const [Dq, , Dv] = sizes;
	const H = f.numHeads;
	const hd = Dq / H;
	const hv = Dv / H;
	const bias = bName ? operand(graph, store, bName) : null;
	// (B, S, Dq + Dk + Dv)
	const qkv = project(x.data, B * S, Din, w.data, width, bias?.data ?? null);
	const at = (b: number, s: number, part: number, h: number, d: number, size: number) =>
		qkv[(b * S + s) * width + offsets(sizes)[part] + h * size + d];
	const mask = maskName ? operand(graph, store, maskName) : null;
	const attnBias = biasName ? operand(graph, store, biasName) : null;
	const pattern = new Float32Array(B * H * S * S);
	const scale = f.scale ?? 1 / Math.sqrt(hd);
	for (let b = 0; b < B; b++)
		for (let h = 0; h < H; h++) {
			const q = new Float64Array(S * hd);
			const k = new Float64Array(S * hd);
			for (let s = 0; s < S; s++)
				for (let d = 0; d < hd; d++) {
					q[s * hd + d] = at(b, s, 0, h, d, hd);
					k[s * hd + d] = at(b, s, 1, h, d, hd);
				}
			const keep = keyRange(mask, b, B, S);
			headPattern(
				{ q, k, S, T: S, hd },
				{
					scale,
					softcap: 0,
					visible: (s, j) => !f.causal || j <= s,
					bias: (s, j) =>
						rawMask(mask, b, s, j, S, f.maskFilter) + (j < keep[0] || j >= keep[1] ? f.maskFilter : 0) + biasAt(attnBias, b, h, s, j, H, S)
				},
				pattern,
				(b * H + h) * S * S
			);
		}
	const out = operand(graph, store, f.output);
	const err = out
		? selfCheck(
				pattern,
				(b, h, j, d) => at(b, j, 2, h, d, hv),
				(b, s, h, d) => out.data[(b * S + s) * Dv + h * hv + d],
				B,
				H,
				S,
				S,
				hv
			)
		: null;
	return { dims: [B, H, S, S], data: pattern, selfCheck: err };
}

const offsets = (sizes: number[]) => [0, sizes[0], sizes[0] + sizes[1]];

/** (rows, n) = x (rows, k) @ w (k, n) + bias (n). */
export function project(x: Float64Array, rows: number, k: number, w: Float64Array, n: number, bias: Float64Array | null): Float64Array {
	const y = new Float64Array(rows * n);
	for (let r = 0; r < rows; r++)
		for (let i = 0; i < k; i++) {
			const xi = x[r * k + i];
			if (xi === 0) continue;
			for (let j = 0; j < n; j++) y[r * n + j] += xi * w[i * n + j];
		}
	if (bias) for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) y[r * n + j] += bias[j];
	return y;
}

/** A raw 0/1 mask [B, T] or [B, S, T]: mask_filter_value where 0. */
function rawMask(m: Operand | null, b: number, s: number, j: number, S: number, filter: number): number {
	if (!m || m.dims.length < 2) return 0;
	const v = m.dims.length === 2 ? m.data[b * S + j] : m.data[(b * S + s) * S + j];
	return v > 0 ? 0 : filter;
}

/** A 1-D mask_index: [B] right-padding ends, or [2B] ends then starts. [0, S) when none. */
function keyRange(m: Operand | null, b: number, B: number, S: number): [number, number] {
	if (!m || m.dims.length !== 1) return [0, S];
	const end = m.data[b];
	const start = m.dims[0] === 2 * B ? Math.min(m.data[B + b], S) : 0;
	return [start, end];
}

/** attention_bias (B or 1, H or 1, S, T). */
function biasAt(a: Operand | null, b: number, h: number, s: number, j: number, H: number, S: number): number {
	if (!a) return 0;
	const bb = a.dims[0] === 1 ? 0 : b;
	const hh = a.dims[1] === 1 ? 0 : h;
	return a.data[((bb * (a.dims[1] === 1 ? 1 : H) + hh) * S + s) * S + j];
}
