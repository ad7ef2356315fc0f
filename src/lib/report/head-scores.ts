// `layers[i].attention.head_scores`: each head's behaviour scores (stats/head-scores) from the
// captured pattern of batch 0. Induction needs an input that repeats a block of tokens; it is
// null on any other input.
import type { Structure } from '../analysis/types.js';
import type { TensorStore } from '../tensor/store.js';
import { floatsOf } from './numeric.js';
import { headScores, repeatPeriod, type HeadScore } from '../stats/head-scores.js';

/** Scores per layer (null where the layer has no captured pattern or no head count). */
export function modelHeadScores(structure: Structure, store: TensorStore, tokenIds: readonly number[] | null): (HeadScore[] | null)[] {
	const period = tokenIds ? repeatPeriod(tokenIds) : null;
	return structure.layers.map((L) => {
		const a = L.attention;
		const t = a ? store.get(a.pattern) : undefined;
		const f = t ? floatsOf(t) : null;
		if (!a || !t || !f || !a.heads || t.dims.length < 2) return null;
		const S = t.dims[t.dims.length - 1];
		if (t.dims[t.dims.length - 2] !== S) return null;
		// (B, H, S, S) or torch's folded (B*H, S, S): the first H*S*S values are batch 0's heads
		return headScores(f, a.heads, S, period ?? undefined).map(roundScore);
	});
}

/** Six decimals: enough to compare, short to print; NaN (a 1-token input) becomes null in JSON anyway. */
function roundScore(s: HeadScore): HeadScore {
	const r = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : x);
	return { head: s.head, previous: r(s.previous), first: r(s.first), self: r(s.self), local: r(s.local), induction: s.induction === null ? null : r(s.induction) };
}
