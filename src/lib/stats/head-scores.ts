// What an attention head does, as numbers from its pattern, so heads can be named by behaviour.
// A pattern is one head's [S, S] softmax, row-major: row i (query) holds the weights on keys
// 0..S-1, causal so row i has zeros after column i. Every score is a mean of pattern entries,
// so it lies in [0, 1]; 1 means the head puts all its weight where the score looks.
//
// `at` is where the head's S*S values start in a larger array ([H, S, S], no copy).
// Row 0 of a causal head can only attend to key 0 (itself), which would count for "first" and
// "self" whatever the head does; those scores therefore average rows 1..S-1 only.
import type { Numeric } from './rows.js';

export interface HeadScore {
	head: number;
	/** mean over i = 1..S-1 of p[i][i-1] */
	previous: number;
	/** mean over i = 1..S-1 of p[i][0] (attention sink) */
	first: number;
	/** mean over i = 1..S-1 of p[i][i] */
	self: number;
	/** mean over i of the weight on keys max(0, i-w+1)..i (w = 4 by default) */
	local: number;
	/** on an input made of a repeated block of `period` tokens: mean over i = period..S-1 of p[i][i-period+1]; else null */
	induction: number | null;
}

/** Mean over rows `from`..S-1 of p[at + i*S + col(i)]; NaN when there is no such row. */
function diagonalMean(p: Numeric, S: number, from: number, col: (i: number) => number, at = 0): number {
	if (from >= S) return NaN;
	let sum = 0;
	for (let i = from; i < S; i++) sum += p[at + i * S + col(i)];
	return sum / (S - from);
}

export const previousTokenScore = (p: Numeric, S: number, at = 0) => diagonalMean(p, S, 1, (i) => i - 1, at);
export const firstTokenScore = (p: Numeric, S: number, at = 0) => diagonalMean(p, S, 1, () => 0, at);
export const selfScore = (p: Numeric, S: number, at = 0) => diagonalMean(p, S, 1, (i) => i, at);

/** Mean weight on the last `window` keys up to and including the query itself. */
export function localScore(p: Numeric, S: number, window = 4, at = 0): number {
	if (S < 1 || window < 1) return NaN;
	let sum = 0;
	for (let i = 0; i < S; i++) for (let j = Math.max(0, i - window + 1); j <= i; j++) sum += p[at + i * S + j];
	return sum / S;
}

/**
 * Induction on an input that repeats a block of `period` tokens (tokens[i] = tokens[i - period]):
 * token i of a later copy attending to the token that followed its earlier occurrence, key
 * i - period + 1. Mean over i = period..S-1; NaN when the input holds no second copy.
 */
export function inductionScore(p: Numeric, S: number, period: number, at = 0): number {
	if (!(period >= 1)) return NaN;
	return diagonalMean(p, S, period, (i) => i - period + 1, at);
}

/**
 * Every head's scores from a pattern [..., H, S, S] (the first H * S * S values: batch 0, or
 * nn.MultiheadAttention's folded [H, S, S]). `period`: the repeat length when the input is a
 * block repeated (then `induction` is filled in), else omit it.
 */
export function headScores(pattern: Numeric, heads: number, S: number, period?: number): HeadScore[] {
	if (pattern.length < heads * S * S) throw new Error(`A pattern of ${pattern.length} values has no ${heads} heads of ${S}x${S}.`);
	const out: HeadScore[] = [];
	for (let h = 0; h < heads; h++) {
		const at = h * S * S;
		out.push({
			head: h,
			previous: previousTokenScore(pattern, S, at),
			first: firstTokenScore(pattern, S, at),
			self: selfScore(pattern, S, at),
			local: localScore(pattern, S, 4, at),
			induction: period === undefined ? null : inductionScore(pattern, S, period, at)
		});
	}
	return out;
}

/**
 * The period of an input that is a block repeated at least twice in full (e.g. "abcabc" -> 3),
 * the shortest one; null when the ids do not repeat. `induction` is measured on such inputs.
 */
export function repeatPeriod(ids: ArrayLike<number>): number | null {
	const n = ids.length;
	for (let period = 1; 2 * period <= n; period++) {
		let ok = true;
		for (let i = period; i < n && ok; i++) ok = ids[i] === ids[i - period];
		if (ok) return period;
	}
	return null;
}
