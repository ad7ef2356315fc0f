// com.microsoft Attention: Q, K, V = input @ weights + bias (packed [D_in, D_q + D_k + D_v]),
// num_heads heads each, scores scaled by `scale` (default 1/sqrt(head_size)), mask_index in its
// published forms, attention_bias added, unidirectional = causal. As ORT's CPU kernel does it:
// a raw 0/1 mask adds mask_filter_value where 0, an index masks keys outside [start, end).
// With a past (2, B, H, P, hd) there are T = P + S keys, the cached ones first; causal query s
// sees keys j <= P + s, and the masks cover all T keys.
import type { FusedAttention } from '../analysis/types.js';
import type { Graph } from '../onnx/graph.js';
import { attrInts } from '../onnx/graph.js';
import type { TensorStore } from '../tensor/store.js';
import { operand, type Operand } from './read.js';
import { patternOf } from './heads.js';
import type { DerivedPattern } from './types.js';

/** The operands of a packed-QKV attention, dequantized where the op quantizes them. */
export interface PackedOperands {
	x: Operand; // (B, S, D_in)
	w: Operand; // (D_in, D_q + D_k + D_v)
	bias: Operand | null;
	mask: Operand | null;
	past: Operand | null; // (2, B, H, P, hd)
	attnBias: Operand | null;
}

export function msAttention(graph: Graph, store: TensorStore, f: FusedAttention): DerivedPattern | string {
	const [xName, wName, bName, maskName, pastName, biasName] = f.inputs;
	const read = (n: string) => (n ? operand(graph, store, n) : null);
	const [x, w, past] = [read(xName), read(wName), read(pastName)];
	if (!x || !w) return `Attention: its input "${xName}" or weights "${wName}" were not captured`;
	if (pastName && !past) return `Attention: its past "${pastName}" was not captured`;
	return packedAttention(graph, store, f, { x, w, bias: read(bName), mask: read(maskName), past, attnBias: read(biasName) });
}

/** Attention's computation once its operands are float: shared with QAttention. */
export function packedAttention(graph: Graph, store: TensorStore, f: FusedAttention, o: PackedOperands): DerivedPattern {
	const { x, w, bias, mask, past, attnBias } = o;
	const [B, S, Din] = x.dims;
	const width = w.dims[1];
	const sizes = attrInts(graph.nodes[f.node], 'qkv_hidden_sizes') ?? [width / 3, width / 3, width / 3];
	const [Dq, , Dv] = sizes;
	const H = f.numHeads;
	const hd = Dq / H;
	const hv = Dv / H;
	// past (2, B, H, P, hd): keys then values of the P earlier tokens; the new ones follow them.
	const P = past ? past.dims[3] : 0;
	const T = P + S;
	// (B, S, Dq + Dk + Dv)
	const qkv = project(x.data, B * S, Din, w.data, width, bias?.data ?? null);
	const at = (b: number, s: number, part: number, h: number, d: number, size: number) =>
		qkv[(b * S + s) * width + offsets(sizes)[part] + h * size + d];
	const cached = (part: number, b: number, h: number, j: number, d: number) => past!.data[(((part * B + b) * H + h) * P + j) * hd + d];
	const out = operand(graph, store, f.output);
	return patternOf({
		B,
		H,
		S,
		T,
		hd,
		hv,
		q: (b, h, s, d) => at(b, s, 0, h, d, hd),
		k: (b, h, j, d) => (j < P ? cached(0, b, h, j, d) : at(b, j - P, 1, h, d, hd)),
		v: (b, h, j, d) => (j < P ? cached(1, b, h, j, d) : at(b, j - P, 2, h, d, hv)),
		out: out ? (b, s, h, d) => out.data[(b * S + s) * Dv + h * hv + d] : null,
		rule: (b, h) => {
			const keep = keyRange(mask, b, B, T);
			return {
				scale: f.scale ?? 1 / Math.sqrt(hd),
				softcap: 0,
				visible: (s, j) => !f.causal || j <= P + s,
				bias: (s, j) =>
					rawMask(mask, b, s, j, S, T, f.maskFilter) +
					(j < keep[0] || j >= keep[1] ? f.maskFilter : 0) +
					biasAt(attnBias, b, h, s, j, H, S, T)
			};
		}
	});
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
function rawMask(m: Operand | null, b: number, s: number, j: number, S: number, T: number, filter: number): number {
	if (!m || m.dims.length < 2) return 0;
	const v = m.dims.length === 2 ? m.data[b * T + j] : m.data[(b * S + s) * T + j];
	return v > 0 ? 0 : filter;
}

/** A 1-D mask_index: [B] right-padding ends, or [2B] ends then starts. [0, T) when none. */
function keyRange(m: Operand | null, b: number, B: number, T: number): [number, number] {
	if (!m || m.dims.length !== 1) return [0, T];
	const end = m.data[b];
	const start = m.dims[0] === 2 * B ? Math.min(m.data[B + b], T) : 0;
	return [start, end];
}

/** attention_bias (B or 1, H or 1, S, T). */
function biasAt(a: Operand | null, b: number, h: number, s: number, j: number, H: number, S: number, T: number): number {
	if (!a) return 0;
	const bb = a.dims[0] === 1 ? 0 : b;
	const hh = a.dims[1] === 1 ? 0 : h;
	return a.data[((bb * (a.dims[1] === 1 ? 1 : H) + hh) * S + s) * T + j];
}
