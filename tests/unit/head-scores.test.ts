// Head-behaviour scores on patterns built by hand, where the right answer is known exactly.
import { describe, expect, it } from 'vitest';
import {
	firstTokenScore,
	headScores,
	inductionScore,
	localScore,
	previousTokenScore,
	repeatPeriod,
	selfScore
} from '../../src/lib/stats/head-scores';

/** A causal [S, S] pattern whose row i puts weight `target(i)` entries' worth on those keys, uniform otherwise. */
function pattern(S: number, row: (i: number) => number[]): Float64Array {
	const p = new Float64Array(S * S);
	for (let i = 0; i < S; i++) row(i).forEach((v, j) => (p[i * S + j] = v));
	return p;
}
const uniform = (S: number) => pattern(S, (i) => Array(i + 1).fill(1 / (i + 1)));
const oneHot = (S: number, key: (i: number) => number) =>
	pattern(S, (i) => Array.from({ length: i + 1 }, (_, j) => (j === key(i) ? 1 : 0)));

describe('head scores on constructed patterns', () => {
	const S = 8;

	it('a pure previous-token head scores 1 there and 0 on first/self', () => {
		const p = oneHot(S, (i) => Math.max(0, i - 1));
		expect(previousTokenScore(p, S)).toBe(1);
		expect(selfScore(p, S)).toBe(0);
		// row 1's previous token is key 0: 1 of the 7 rows counted also lands on the first token
		expect(firstTokenScore(p, S)).toBeCloseTo(1 / 7, 15);
		expect(localScore(p, S)).toBe(1);
	});

	it('a sink head scores 1 on first, 0 on self; row 0 does not count', () => {
		const p = oneHot(S, () => 0);
		expect(firstTokenScore(p, S)).toBe(1);
		expect(selfScore(p, S)).toBe(0);
		expect(previousTokenScore(p, S)).toBeCloseTo(1 / 7, 15); // row 1 again
		expect(localScore(p, S)).toBeCloseTo(4 / 8, 15); // rows 0..3 have key 0 within their last 4
	});

	it('a self head: 1 on self, 0 on previous and first', () => {
		const p = oneHot(S, (i) => i);
		expect([selfScore(p, S), previousTokenScore(p, S), firstTokenScore(p, S)]).toEqual([1, 0, 0]);
	});

	it('a uniform causal head: the means of 1/(i+1) over the rows', () => {
		const p = uniform(S);
		let want = 0;
		for (let i = 1; i < S; i++) want += 1 / (i + 1);
		want /= S - 1;
		for (const f of [previousTokenScore, firstTokenScore, selfScore]) expect(f(p, S)).toBeCloseTo(want, 15);
		// local, window 4: rows 0..3 keep everything, rows 4..7 keep 4/(i+1)
		expect(localScore(p, S)).toBeCloseTo((4 + 4 / 5 + 4 / 6 + 4 / 7 + 4 / 8) / 8, 15);
		expect(localScore(p, S, 1)).toBeCloseTo(selfScore(p, S) * (7 / 8) + 1 / 8, 15);
	});

	it('induction: key i - period + 1 from the second copy on, and only there', () => {
		const period = 3; // "abcabcab": S 8
		const induction = oneHot(S, (i) => (i >= period ? i - period + 1 : i));
		expect(inductionScore(induction, S, period)).toBe(1);
		expect(
			inductionScore(
				oneHot(S, (i) => Math.max(0, i - 1)),
				S,
				period
			)
		).toBe(0);
		// period 1: "i - 1 + 1" is the token itself
		expect(
			inductionScore(
				oneHot(S, (i) => i),
				S,
				1
			)
		).toBe(1);
		expect(inductionScore(induction, S, S)).toBeNaN(); // no second copy
		expect(inductionScore(induction, S, 0)).toBeNaN();
	});

	it('a half-and-half row splits its score', () => {
		const p = pattern(S, (i) => (i === 0 ? [1] : Array.from({ length: i + 1 }, (_, j) => (j === 0 || j === i ? 0.5 : 0))));
		expect(firstTokenScore(p, S)).toBeCloseTo(0.5, 15);
		expect(selfScore(p, S)).toBeCloseTo(0.5, 15);
	});

	it('too short to score: NaN, not 0', () => {
		const p = Float64Array.of(1);
		expect(previousTokenScore(p, 1)).toBeNaN();
		expect(firstTokenScore(p, 1)).toBeNaN();
		expect(selfScore(p, 1)).toBeNaN();
		expect(localScore(p, 1)).toBe(1);
	});
});

describe('headScores over [H, S, S]', () => {
	it('reads each head at its own offset, induction only with a period', () => {
		const S = 6;
		const heads = [oneHot(S, (i) => Math.max(0, i - 1)), oneHot(S, () => 0), oneHot(S, (i) => i), oneHot(S, (i) => (i >= 2 ? i - 1 : i))];
		const all = new Float32Array(4 * S * S);
		heads.forEach((h, k) => all.set(h, k * S * S));
		const s = headScores(all, 4, S);
		expect(s.map((x) => x.head)).toEqual([0, 1, 2, 3]);
		expect(s.map((x) => x.previous)).toEqual([1, 0.2, 0, 0.8]);
		expect(s.map((x) => x.first)).toEqual([0.2, 1, 0, 0]);
		expect(s.map((x) => x.self)).toEqual([0, 0, 1, 0.2]);
		expect(s.every((x) => x.induction === null)).toBe(true);
		const withPeriod = headScores(all, 4, S, 2);
		expect(withPeriod[3].induction).toBe(1); // key i - 1 is i - period + 1 for period 2
		expect(withPeriod[2].induction).toBe(0);
		expect(() => headScores(all, 5, S)).toThrow(/5 heads/);
	});

	it('repeatPeriod finds the shortest block repeated in full', () => {
		expect(repeatPeriod([1, 2, 3, 1, 2, 3])).toBe(3);
		expect(repeatPeriod([1, 2, 3, 1, 2, 3, 1])).toBe(3); // a partial third copy is fine
		expect(repeatPeriod([5, 5, 5, 5])).toBe(1);
		expect(repeatPeriod([1, 2, 3, 1, 2])).toBeNull(); // the second copy is not whole
		expect(repeatPeriod([1, 2, 3, 4])).toBeNull();
		expect(repeatPeriod([])).toBeNull();
	});
});
