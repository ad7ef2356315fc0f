// com.microsoft GroupQueryAttention as ORT's CPU kernel computes it: query (B, S, H*hd) with
// key/value (B, S, KV*hd), or packed (B, S, (H + 2 KV)*hd); scale (default 1/sqrt(hd)), softcap *
// tanh(x / softcap), causal, local window; query head h reads KV head floor(h / (H / KV)).
// A first prompt (S = total_sequence_length) starts at position 0. Otherwise each batch row has
// total_b = seqlens_k[b] + 1 keys and past_b = total_b - S of them come from past_key/past_value
// (B, KV, P_buf, hd); the new keys follow them, query s sits at position past_b + s and sees keys
// j <= past_b + s. Rotary (do_rotary, half or interleaved, cos/sin caches (max, R/2)) turns Q and
// the new K at those positions; the cached keys were turned when they were written.
import type { FusedAttention } from '../analysis/types.js';
import type { Graph } from '../onnx/graph.js';
import type { TensorStore } from '../tensor/store.js';
import { operand, type Operand } from './read.js';
import { patternOf } from './heads.js';
import type { DerivedPattern } from './types.js';

export function gqa(graph: Graph, store: TensorStore, f: FusedAttention): DerivedPattern | string {
	const [qName, kName, vName, pastK, pastV, seqlensName, totalName, cosName, sinName] = f.inputs;
	const read = (n: string) => (n ? operand(graph, store, n) : null);
	const query = read(qName);
	if (!query) return `GroupQueryAttention: its query "${qName}" was not captured`;
	const H = f.numHeads;
	const KV = f.kvHeads ?? H;
	const [B, S, width] = query.dims;
	const packed = !kName;
	const hd = packed ? width / (H + 2 * KV) : width / H;
	const key = packed ? query : read(kName);
	const value = packed ? query : read(vName);
	if (!key || !value) return `GroupQueryAttention: its key or value was not captured`;
	const cos = f.doRotary ? read(cosName) : null;
	const sin = f.doRotary ? read(sinName) : null;
	if (f.doRotary && (!cos || !sin)) return 'GroupQueryAttention: do_rotary without readable cos/sin caches';
	const total = read(totalName);
	const T = total ? total.data[0] : S; // (B, H, S, T)
	const seqlens = read(seqlensName);
	const pk = read(pastK);
	const pv = read(pastV);
	const first = T === S;
	if (!first && (!seqlens || !pk || !pv)) return 'GroupQueryAttention with a past: its seqlens_k, past_key or past_value was not captured';
	const pastOf = (b: number) => (first ? 0 : seqlens!.data[b] + 1 - S);
	const totalOf = (b: number) => (first ? S : seqlens!.data[b] + 1);
	for (let b = 0; b < B; b++)
		if (pastOf(b) < 0 || totalOf(b) > T || (pk && pastOf(b) > pk.dims[2]))
			return `GroupQueryAttention: seqlens_k[${b}] = ${seqlens!.data[b]} does not fit ${S} new tokens, a total of ${T} and a past of ${pk?.dims[2] ?? 0}`;
	const kOff = packed ? H * hd : 0;
	const vOff = packed ? (H + KV) * hd : 0;
	const rot = (t: Operand, b: number, s: number, off: number): Float64Array => {
		const base = (b * S + s) * t.dims[2] + off;
		const x = t.data.subarray(base, base + hd);
		return cos && sin ? rotary(x, pastOf(b) + s, cos, sin, f.rotaryInterleaved) : x;
	};
	// (B, H, S, hd) queries and (B, KV, T, hd) keys and values, past then new, zero past total_b.
	const q = new Float64Array(B * H * S * hd);
	const k = new Float64Array(B * KV * T * hd);
	const v = new Float64Array(B * KV * T * hd);
	for (let b = 0; b < B; b++) {
		const past = pastOf(b);
		for (let s = 0; s < S; s++) for (let h = 0; h < H; h++) q.set(rot(query, b, s, h * hd), ((b * H + h) * S + s) * hd);
		for (let g = 0; g < KV; g++) {
			const at = (j: number) => ((b * KV + g) * T + j) * hd;
			for (let j = 0; j < past; j++) {
				const src = ((b * KV + g) * pk!.dims[2] + j) * hd;
				k.set(pk!.data.subarray(src, src + hd), at(j));
				v.set(pv!.data.subarray(src, src + hd), at(j));
			}
			for (let s = 0; s < S; s++) {
				k.set(rot(key, b, s, kOff + g * hd), at(past + s));
				const src = (b * S + s) * value.dims[2] + vOff + g * hd;
				v.set(value.data.subarray(src, src + hd), at(past + s));
			}
		}
	}
	const group = H / KV;
	const out = read(f.output);
	const window = f.localWindow;
	return patternOf({
		B,
		H,
		S,
		T,
		hd,
		hv: hd,
		q: (b, h, s, d) => q[((b * H + h) * S + s) * hd + d],
		k: (b, h, j, d) => k[((b * KV + Math.floor(h / group)) * T + j) * hd + d],
		v: (b, h, j, d) => v[((b * KV + Math.floor(h / group)) * T + j) * hd + d],
		out: out ? (b, s, h, d) => out.data[(b * S + s) * H * hd + h * hd + d] : null,
		rule: (b) => ({
			scale: f.scale ?? 1 / Math.sqrt(hd),
			softcap: f.softcap,
			visible: (s, j) => j < totalOf(b) && j <= pastOf(b) + s && (window < 0 || j >= pastOf(b) + s - window),
			bias: () => 0
		})
	});
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
