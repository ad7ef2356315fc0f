// ONNX Attention (opset 23), the prompt pass (no past), as its reference computes it: Q
// (B, qH, S, hd) with K, V (B, kvH, L, .), or 3-D (B, S, heads * size) with q_num_heads and
// kv_num_heads; scale (default 1/sqrt(hd)) on Q K^T, softcap before the mask, attn_mask boolean
// (true takes part) or added, broadcast to (B, qH, S, L), keys past its last axis masked;
// is_causal; query head h reads KV head h / (qH / kvH).
import type { FusedAttention } from '../analysis/types.js';
import type { Graph } from '../onnx/graph.js';
import { dtypeName } from '../onnx/dtype.js';
import type { TensorStore } from '../tensor/store.js';
import { operand } from './read.js';
import { broadcastIndex, patternOf, type At } from './heads.js';
import type { DerivedPattern } from './types.js';

export function onnxAttention(graph: Graph, store: TensorStore, f: FusedAttention): DerivedPattern | string {
	const [qName, kName, vName, maskName, pastName] = f.inputs;
	const read = (n: string) => (n ? operand(graph, store, n) : null);
	const past = read(pastName);
	if (past && past.data.length) return 'Attention with a past state: only the prompt (no past) is recomputed';
	const [Q, K, V] = [read(qName), read(kName), read(vName)];
	if (!Q || !K || !V) return 'Attention: its Q, K or V was not captured';
	if (Q.dims.length !== K.dims.length || ![3, 4].includes(Q.dims.length))
		return `Attention: Q of shape [${Q.dims}] and K of shape [${K.dims}] are not read`;
	const H = f.numHeads;
	const KV = f.kvHeads ?? H;
	const group = H / KV;
	const four = Q.dims.length === 4;
	const B = Q.dims[0];
	const S = four ? Q.dims[2] : Q.dims[1];
	const T = four ? K.dims[2] : K.dims[1];
	const hd = four ? Q.dims[3] : Q.dims[2] / H;
	const hv = four ? V.dims[3] : V.dims[2] / KV;
	// (B, heads, L, size) or (B, L, heads * size)
	const at = (x: { data: Float64Array }, heads: number, L: number, size: number): At =>
		four ? (b, h, i, d) => x.data[((b * heads + h) * L + i) * size + d] : (b, h, i, d) => x.data[(b * L + i) * heads * size + h * size + d];
	const q = at(Q, H, S, hd);
	const k = at(K, KV, T, hd);
	const v = at(V, KV, T, hv);
	const mask = read(maskName);
	const isBool = maskName ? (store.get(maskName)?.dtype ?? dtypeName(graph.constantOf(maskName)?.dataType ?? 0)) === 'bool' : false;
	const outT = read(f.output);
	const m = (b: number, h: number, s: number, j: number) => (mask ? broadcastIndex(mask.dims, b, h, s, j) : -2);
	return patternOf({
		B,
		H,
		S,
		T,
		hd,
		hv,
		q,
		k: (b, h, j, d) => k(b, Math.floor(h / group), j, d),
		v: (b, h, j, d) => v(b, Math.floor(h / group), j, d),
		out: outT
			? four
				? (b, s, h, d) => outT.data[((b * H + h) * S + s) * hv + d]
				: (b, s, h, d) => outT.data[(b * S + s) * H * hv + h * hv + d]
			: null,
		rule: (b, h) => ({
			scale: f.scale ?? 1 / Math.sqrt(hd),
			softcap: f.softcap,
			visible: (s, j) => (!f.causal || j <= s) && m(b, h, s, j) !== -1 && (!isBool || mask!.data[m(b, h, s, j)] !== 0),
			bias: (s, j) => (mask && !isBool ? mask.data[m(b, h, s, j)] : 0)
		})
	});
}
