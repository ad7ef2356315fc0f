// com.microsoft GroupQueryAttention, the prompt pass (no past) as ORT's CPU kernel computes it:
// query (B, S, H*hd) with key/value (B, S, KV*hd), or packed (B, S, (H + 2 KV)*hd); rotary on Q
// and K at positions 0..S-1 when do_rotary (half or interleaved, cos/sin caches (max, R/2));
// scale (default 1/sqrt(hd)), softcap * tanh(x / softcap), causal, local window; query head h
// reads KV head floor(h / (H / KV)).
import type { FusedAttention } from '../analysis/types.js';
import type { Graph } from '../onnx/graph.js';
import type { TensorStore } from '../tensor/store.js';
import { operand, type Operand } from './read.js';
import { headPattern, selfCheck } from './softmax.js';
import type { DerivedPattern } from './types.js';

export function gqa(graph: Graph, store: TensorStore, f: FusedAttention): DerivedPattern | string {
	const [qName, kName, vName, pastK, , , , cosName, sinName] = f.inputs;
	const query = operand(graph, store, qName);
	if (!query) return `GroupQueryAttention: its query "${qName}" was not captured`;
	const past = pastK ? operand(graph, store, pastK) : null;
	if (past && past.dims[2] > 0) return 'GroupQueryAttention with a non-empty past: only the prompt is recomputed';
	const H = f.numHeads;
	const KV = f.kvHeads ?? H;
	const [B, S, width] = query.dims;
	const packed = !kName;
	const hd = packed ? width / (H + 2 * KV) : width / H;
	const key = packed ? query : operand(graph, store, kName);
	const value = packed ? query : operand(graph, store, vName);
	if (!key || !value) return `GroupQueryAttention: its key or value was not captured`;
	const rowW = (t: Operand) => t.dims[2];
	const qOff = 0;
	const kOff = packed ? H * hd : 0;
	const vOff = packed ? (H + KV) * hd : 0;
	const cos = f.doRotary ? operand(graph, store, cosName) : null;
	const sin = f.doRotary ? operand(graph, store, sinName) : null;
	if (f.doRotary && (!cos || !sin)) return 'GroupQueryAttention: do_rotary without readable cos/sin caches';
	/** One head's (S, hd) rows, rotated where the op rotates. */
	const head = (t: Operand, off: number, h: number, rotate: boolean): Float64Array => {
		const out = new Float64Array(S * hd);
		for (let s = 0; s < S; s++) {
			const base = (0 + s) * rowW(t) + off + h * hd;
			const x = t.data.subarray(base, base + hd);
			out.set(rotate && cos && sin ? rotary(x, s, cos, sin, f.rotaryInterleaved) : x, s * hd);
		}
		return out;
	};
	const group = H / KV;
	const pattern = new Float32Array(B * H * S * S);
	const scale = f.scale ?? 1 / Math.sqrt(hd);
	const window = f.localWindow;
	for (let b = 0; b < B; b++) {
		const at = (t: Operand): Operand => ({ dims: [1, S, rowW(t)], data: t.data.subarray(b * S * rowW(t), (b + 1) * S * rowW(t)) });
		for (let h = 0; h < H; h++) {
			const q = head(at(query), qOff, h, true);
			const k = head(at(key), kOff, Math.floor(h / group), true);
			headPattern(
				{ q, k, S, T: S, hd },
				{
					scale,
					softcap: f.softcap,
					visible: (s, j) => j <= s && (window < 0 || j >= s - window),
					bias: () => 0
				},
				pattern,
				(b * H + h) * S * S
			);
		}
	}
	const out = operand(graph, store, f.output);
	const err = out
		? selfCheck(
				pattern,
				(b, h, j, d) => value.data[(b * S + j) * rowW(value) + vOff + Math.floor(h / group) * hd + d],
				(b, s, h, d) => out.data[(b * S + s) * H * hd + h * hd + d],
				B,
				H,
				S,
				S,
				hd
			)
		: null;
	return { dims: [B, H, S, S], data: pattern, selfCheck: err };
}

/** ORT's rotary on one head vector at position p; dims past the rotary width pass through. */
export function rotary(x: Float64Array, p: number, cos: Operand, sin: Operand, interleaved: boolean): Float64Array {
	const half = cos.dims[1];
	const R = 2 * half;
	const y = Float64Array.from(x);
	for (let i = 0; i < R; i++) {
		const c = interleaved ? i >> 1 : i % half;
		const j = interleaved ? (i % 2 === 0 ? i + 1 : i - 1) : (i + half) % R;
		const sign = interleaved ? (i % 2 === 0 ? -1 : 1) : i < half ? -1 : 1;
		y[i] = x[i] * cos.data[p * half + c] + sign * x[j] * sin.data[p * half + c];
	}
	return y;
}
