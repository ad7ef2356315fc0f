// com.microsoft MultiHeadAttention as its schema reads it: query
// (B, S, D) with key (B, L, D) and value (B, L, Dv) plus an optional packed bias (D + D + Dv), or
// key/value already split per head (B, N, L, H), or packed KV (B, L, N, 2, H), or packed QKV
// (B, S, N, 3, H); key_padding_mask as key counts (B) or raw 0/1 (B, L) / (B, S, L), where 0
// adds mask_filter_value; attention_bias (B or 1, N or 1, S, L); unidirectional = causal. With
// past_key/past_value (B, N, P, H) the P cached keys come first (T = P + L) and masks cover all T.
import type { FusedAttention } from '../analysis/types.js';
import type { Graph } from '../onnx/graph.js';
import type { TensorStore } from '../tensor/store.js';
import { operand, type Operand } from './read.js';
import { broadcastIndex, patternOf, type At, type AttnSpec } from './heads.js';
import type { DerivedPattern } from './types.js';

type Qkv = Pick<AttnSpec, 'B' | 'S' | 'T' | 'hd' | 'hv' | 'q' | 'k' | 'v'>;

export function mha(graph: Graph, store: TensorStore, f: FusedAttention): DerivedPattern | string {
	const [qName, kName, vName, biasName, maskName, abName, pastKName, pastVName] = f.inputs;
	const query = operand(graph, store, qName);
	if (!query) return `MultiHeadAttention: its query "${qName}" was not captured`;
	const H = f.numHeads;
	const read = (n: string) => (n ? operand(graph, store, n) : null);
	const fresh = query.dims.length === 5 ? packedQkv(query, H) : separate(query, read(kName), read(vName), read(biasName), H);
	if (typeof fresh === 'string') return fresh;
	const [pastK, pastV] = [read(pastKName), read(pastVName)];
	const P = pastK && pastK.data.length ? pastK.dims[2] : 0;
	if (P && (!pastV || read(kName)?.dims.length !== 3))
		return 'MultiHeadAttention with a past: read with key and value (B, L, D) and both past_key and past_value captured';
	const qkv = P ? withPast(fresh, pastK!, pastV!, H) : fresh;
	const { S, T, hd, hv } = qkv;
	const causalOffset = T - fresh.T; // the cached keys come first: query s sees keys j <= P + s
	const mask = read(maskName);
	const bias = read(abName);
	if (mask && ![1, 2, 3].includes(mask.dims.length)) return `MultiHeadAttention: a key_padding_mask of shape [${mask.dims}] is not read`;
	const out = read(f.output);
	return patternOf({
		...qkv,
		H,
		out: out ? (b, s, h, d) => out.data[(b * S + s) * H * hv + h * hv + d] : null,
		rule: (b, h) => ({
			scale: f.scale ?? 1 / Math.sqrt(hd),
			softcap: 0,
			visible: (s, j) => (!f.causal || j <= causalOffset + s) && (mask?.dims.length !== 1 || j < mask.data[b]),
			bias: (s, j) => rawMask(mask, b, s, j, S, T, f.maskFilter) + (bias ? bias.data[broadcastIndex(bias.dims, b, h, s, j)] : 0)
		})
	});
}

/** past_key/past_value (B, N, P, H) before the new keys and values: T = P + L. */
function withPast(x: Qkv, pk: Operand, pv: Operand, H: number): Qkv {
	const P = pk.dims[2];
	const cached = (t: Operand, size: number) => (b: number, h: number, j: number, d: number) => t.data[((b * H + h) * P + j) * size + d];
	const [k, v] = [cached(pk, x.hd), cached(pv, x.hv)];
	return {
		...x,
		T: P + x.T,
		k: (b, h, j, d) => (j < P ? k(b, h, j, d) : x.k(b, h, j - P, d)),
		v: (b, h, j, d) => (j < P ? v(b, h, j, d) : x.v(b, h, j - P, d))
	};
}

/** (B, S, N, 3, H): one tensor holding every head's q, k and v. */
function packedQkv(x: Operand, H: number): Qkv {
	const [B, S, , , hd] = x.dims;
	const at =
		(part: number): At =>
		(b, h, s, d) =>
			x.data[(((b * S + s) * H + h) * 3 + part) * hd + d];
	return { B, S, T: S, hd, hv: hd, q: at(0), k: at(1), v: at(2) };
}

function separate(query: Operand, key: Operand | null, value: Operand | null, bias: Operand | null, H: number): Qkv | string {
	if (!key) return 'MultiHeadAttention: its key was not captured';
	const [B, S, D] = query.dims;
	const hd = D / H;
	const qb = (h: number, d: number) => (bias ? bias.data[h * hd + d] : 0);
	const q: At = (b, h, s, d) => query.data[(b * S + s) * D + h * hd + d] + qb(h, d);
	if (key.dims.length === 5) {
		// (B, L, N, 2, H): packed key and value
		const T = key.dims[1];
		const at =
			(part: number): At =>
			(b, h, j, d) =>
				key.data[(((b * T + j) * H + h) * 2 + part) * hd + d];
		return { B, S, T, hd, hv: hd, q, k: at(0), v: at(1) };
	}
	if (!value) return 'MultiHeadAttention: its value was not captured';
	if (key.dims.length === 4) {
		// (B, N, L, H): already split per head; the bias (if any) applies to Q only.
		const T = key.dims[2];
		const hv = value.dims[3];
		return {
			B,
			S,
			T,
			hd,
			hv,
			q,
			k: (b, h, j, d) => key.data[((b * H + h) * T + j) * hd + d],
			v: (b, h, j, d) => value.data[((b * H + h) * T + j) * hv + d]
		};
	}
	const T = key.dims[1];
	const Dv = value.dims[2];
	const hv = Dv / H;
	return {
		B,
		S,
		T,
		hd,
		hv,
		q,
		k: (b, h, j, d) => key.data[(b * T + j) * D + h * hd + d] + (bias ? bias.data[D + h * hd + d] : 0),
		v: (b, h, j, d) => value.data[(b * T + j) * Dv + h * hv + d] + (bias ? bias.data[2 * D + h * hv + d] : 0)
	};
}

/** A raw 0/1 key_padding_mask, (B, L) or (B, S, L): mask_filter_value where 0. */
function rawMask(m: Operand | null, b: number, s: number, j: number, S: number, T: number, filter: number): number {
	if (!m || m.dims.length < 2) return 0;
	const v = m.dims.length === 2 ? m.data[b * T + j] : m.data[(b * S + s) * T + j];
	return v > 0 ? 0 : filter;
}
