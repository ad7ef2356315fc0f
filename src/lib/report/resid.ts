// The residual stream through one block, per token (batch 0): L2 norms at resid_pre,
// resid_mid and resid_post, and each sub-layer's update ratio ||branch|| / ||stream before the add||.
//
// Which tensor each point is (seed-notes: where the norm sits):
// - pre-norm, DyT: pre = block input, mid = first add's output, post = second add's output.
// - post-norm, DeepNorm: the stream the next sub-layer reads is the LN's output, so mid and post
//   are the LN outputs (near sqrt(d) * |gamma|); `before_norm` holds the raw sums x + branch before
//   each LN. `measured_at` says which of the two pre/mid/post are: charts plot pre/mid/post.
// - DeepNorm: the add's stream operand is alpha * x, so the ratio is ||branch|| / ||alpha x||.
// - parallel (x + Attn(LN(x)) + FFN(LN(x))): there is no stream between the sub-layers, so mid is
//   null; both ratios divide by ||x|| (both branches read x and are added to it), and
//   `both_ratio` is ||attn + mlp|| / ||x||, the block's whole update.
import type { Layer, ResidualInfo } from '../analysis/types.js';
import type { TensorStore } from '../tensor/store.js';
import { normRatio, tokenNorms } from '../stats/residual.js';
import { floatsOf } from './numeric.js';

export interface ResidStats {
	pre: number[] | null;
	mid: number[] | null;
	post: number[] | null;
	attn_ratio: number[] | null;
	mlp_ratio: number[] | null;
	both_ratio: number[] | null; // parallel blocks only
	/** The tensors pre/mid/post measure. */
	tensors: { pre: string | null; mid: string | null; post: string | null };
	/** 'stream': pre/mid/post are the residual adds' outputs; 'after-norm': the LN outputs of a post-norm block. */
	measured_at: 'stream' | 'after-norm';
	/** Post-norm blocks: the norms of the sums before each LN (the chart's alternative series). */
	before_norm: { mid: number[] | null; post: number[] | null; tensors: { mid: string | null; post: string | null } } | null;
	/** What each ratio divides: branch tensor over stream tensor. */
	ratios: { attn: Ratio | null; mlp: Ratio | null; both: Ratio | null };
}

interface Ratio {
	branch: string;
	stream: string;
}

/**
 * `given`: per-token norms (batch 0) by tensor name, for tensors not in `store` (summary capture
 * computes them in the graph: runtime/long-norms.ts); a tensor in `store` is measured from its values.
 */
export function residStats(layer: Layer, store: TensorStore, given?: Readonly<Record<string, ArrayLike<number>>>): ResidStats {
	const norms = (name: string | null): number[] | null => {
		const t = name ? store.get(name) : undefined;
		const data = t ? floatsOf(t) : null;
		if (t && data) return tokenNorms(data, t.dims);
		const n = name ? given?.[name] : undefined;
		return n ? Array.from(n) : null;
	};
	const ratio = (r: Ratio | null): number[] | null => {
		if (!r) return null;
		const b = norms(r.branch);
		const s = norms(r.stream);
		return b && s ? normRatio(b, s) : null;
	};
	const by = (sub: ResidualInfo['sublayer']) => layer.residuals.find((r) => r.sublayer === sub) ?? null;
	const rA = by('attn');
	const rM = by('mlp');
	const rB = by('both');
	const last = layer.residuals.length ? layer.residuals[layer.residuals.length - 1] : null;

	// mid: the stream the second sub-layer reads (the first add's output, or its LN's output).
	const mid = rA && rM ? rM.base : null;
	const pre = layer.input;
	const post = layer.output;
	const rawMid = rA && mid !== null && rA.output !== mid ? rA.output : null;
	const rawPost = last && post !== null && last.output !== post ? last.output : null;
	const postNorm = rawMid !== null || rawPost !== null;

	const ratios = {
		attn: rA ? { branch: rA.branch, stream: rA.stream } : rB?.attnPart ? { branch: rB.attnPart, stream: rB.stream } : null,
		mlp: rM ? { branch: rM.branch, stream: rM.stream } : rB?.mlpPart ? { branch: rB.mlpPart, stream: rB.stream } : null,
		both: rB ? { branch: rB.branch, stream: rB.stream } : null
	};
	return {
		pre: norms(pre),
		mid: norms(mid),
		post: norms(post),
		attn_ratio: ratio(ratios.attn),
		mlp_ratio: ratio(ratios.mlp),
		both_ratio: ratio(ratios.both),
		tensors: { pre, mid, post },
		measured_at: postNorm ? 'after-norm' : 'stream',
		before_norm: postNorm ? { mid: norms(rawMid), post: norms(rawPost), tensors: { mid: rawMid, post: rawPost } } : null,
		ratios
	};
}
