// Logit lens: the residual stream at every block's resid_pre, resid_mid and resid_post read
// through the final norm and the unembedding, as TransformerLens's
// accumulated_resid(apply_ln=True) + unembed: each point normalized with its own statistics.
import type { Graph } from '../onnx/graph.js';
import type { Structure } from '../analysis/types.js';
import type { CapturedTensor, TensorStore } from '../tensor/store.js';
import { findUnembed, normParams, unembedding, type UnembedSite } from '../intervene/unembed.js';
import { normRow, softmax, topK, unembedRow, type NormParams, type Unembedding } from '../stats/logits.js';
import { floatsOf, type FloatArray } from './numeric.js';

export type LensPointName = 'resid_pre' | 'resid_mid' | 'resid_post';

export interface LensPoint {
	layer: number;
	point: LensPointName;
	/** per position (batch 0): the k most likely tokens, most likely first */
	top: { id: number; p: number }[][];
}

export interface Lens {
	/** top[i] is position from + i (from > 0 when only the last positions were read). */
	points: LensPoint[];
	from: number;
	vocab: number;
	/** points that were not captured or recognized */
	missing: string[];
}

export interface LensReader {
	site: UnembedSite;
	norm: NormParams;
	u: Unembedding;
}

/** The unembedding and final norm, ready to read rows; why not where the model has none. */
export function lensReader(g: Graph, s: Structure): LensReader | { why: string } {
	const site = findUnembed(g, s);
	if ('why' in site) return site;
	const norm = normParams(g, site.norm);
	if ('why' in norm) return norm;
	const u = unembedding(g, site);
	if ('why' in u) return u;
	return { site, norm, u };
}

/** Batch 0's rows of a [.., S, D] tensor: (S, D) as one flat array. */
export function streamRows(t: CapturedTensor, d: number): { S: number; data: FloatArray } | null {
	const f = floatsOf(t);
	if (!f || t.dims[t.dims.length - 1] !== d || t.dims.length < 2) return null;
	const S = t.dims[t.dims.length - 2];
	return { S, data: f.subarray(0, S * d) };
}

/** The vocabulary probabilities of one stream row. */
export function lensProbs(r: LensReader, row: ArrayLike<number>): Float64Array {
	return softmax(unembedRow(normRow(row, r.norm), r.u));
}

/** The lens at every point, for positions `from`.. (all by default: long inputs read the last ones). */
export function logitLens(g: Graph, s: Structure, store: TensorStore, k = 5, from = 0): Lens | { why: string } {
	const r = lensReader(g, s);
	if ('why' in r) return r;
	const points: LensPoint[] = [];
	const missing: string[] = [];
	for (const L of s.layers)
		for (const point of ['resid_pre', 'resid_mid', 'resid_post'] as const) {
			const hook = `blocks.${L.index}.hook_${point}`;
			const name = s.hookTensors.get(hook);
			if (!name) {
				if (point !== 'resid_mid' || L.variant !== 'parallel') missing.push(`${hook} (not recognized)`);
				continue;
			}
			const t = store.get(name);
			const rows = t ? streamRows(t, r.u.d) : null;
			if (!rows) {
				missing.push(`${hook} (${t ? `[${t.dims}] is not [.., S, ${r.u.d}]` : 'not captured'})`);
				continue;
			}
			const top: LensPoint['top'] = [];
			for (let p = Math.min(from, rows.S); p < rows.S; p++) {
				const probs = lensProbs(r, rows.data.subarray(p * r.u.d, (p + 1) * r.u.d));
				top.push(topK(probs, k).map(({ id, value }) => ({ id, p: value })));
			}
			points.push({ layer: L.index, point, top });
		}
	return { points, from, vocab: r.u.v, missing };
}
