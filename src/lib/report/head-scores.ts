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
	return {
		head: s.head,
		previous: r(s.previous),
		first: r(s.first),
		self: r(s.self),
		local: r(s.local),
		induction: s.induction === null ? null : r(s.induction)
	};
}

export type HeadKind = 'previous' | 'first' | 'self' | 'local' | 'induction';

/** A score above it (and above twice a uniform head's) names the head. */
export const LABEL_THRESHOLD = 0.3;

/**
 * What a uniform causal head (row i: 1/(i+1) on each key 0..i) scores on S tokens: the bar a
 * score must clear twice over to mean something at this length.
 */
export function uniformScores(S: number, period: number | null): Record<HeadKind, number> {
	let diag = 0,
		local = 0,
		ind = 0;
	for (let i = 1; i < S; i++) diag += 1 / (i + 1);
	for (let i = 0; i < S; i++) local += Math.min(i + 1, 4) / (i + 1);
	if (period) for (let i = period; i < S; i++) ind += 1 / (i + 1);
	const d = S > 1 ? diag / (S - 1) : NaN;
	return { previous: d, first: d, self: d, local: local / S, induction: period && S > period ? ind / (S - period) : NaN };
}

/** The head's strongest score that clears LABEL_THRESHOLD and twice the uniform head's; null when none does. */
export function headLabel(
	s: HeadScore,
	S: number,
	period: number | null,
	threshold = LABEL_THRESHOLD
): { kind: HeadKind; score: number } | null {
	const u = uniformScores(S, period);
	let best: { kind: HeadKind; score: number } | null = null;
	for (const kind of ['previous', 'first', 'self', 'local', 'induction'] as const) {
		const v = s[kind];
		if (v === null || !Number.isFinite(v) || v < threshold || !(v >= 2 * u[kind])) continue;
		if (!best || v > best.score) best = { kind, score: v };
	}
	return best;
}
