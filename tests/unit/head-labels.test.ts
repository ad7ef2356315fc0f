// Head labels (report/head-scores.ts): the strongest score that clears the threshold and twice a
// uniform causal head's, on hand-made scores and the uniform baseline worked out by hand.
import { describe, expect, it } from 'vitest';
import { headLabel, uniformScores } from '../../src/lib/report/index.js';
import { headScores } from '../../src/lib/stats/index.js';

const score = (o: Partial<Record<'previous' | 'first' | 'self' | 'local', number>> & { induction?: number | null }) => ({
	head: 0,
	previous: 0,
	first: 0,
	self: 0,
	local: 0,
	induction: null,
	...o
});

describe('head labels', () => {
	it('uniform causal head on 4 tokens: (1/2 + 1/3 + 1/4) / 3 on a diagonal, everything local', () => {
		const u = uniformScores(4, null);
		expect(u.previous).toBeCloseTo((1 / 2 + 1 / 3 + 1 / 4) / 3, 12);
		expect(u.local).toBe(1);
		expect(u.induction).toBeNaN();
		// the same numbers as the scores of an actual uniform pattern
		const S = 4;
		const p = new Float64Array(S * S);
		for (let i = 0; i < S; i++) for (let j = 0; j <= i; j++) p[i * S + j] = 1 / (i + 1);
		const s = headScores(p, 1, S, 2)[0];
		expect(s.previous).toBeCloseTo(u.previous, 12);
		expect(s.induction).toBeCloseTo(uniformScores(4, 2).induction, 12);
		expect(headLabel(s, S, 2)).toBeNull();
	});

	it('the strongest qualifying score wins; under the threshold or under twice uniform: no label', () => {
		expect(headLabel(score({ previous: 0.6, self: 0.35 }), 40, null)).toEqual({ kind: 'previous', score: 0.6 });
		expect(headLabel(score({ previous: 0.25 }), 40, null)).toBeNull(); // under 0.3
		// S = 3: uniform previous = (1/2 + 1/3) / 2 = 0.4167; 0.7 < 2 x that
		expect(headLabel(score({ previous: 0.7 }), 3, null)).toBeNull();
		expect(headLabel(score({ previous: 0.4, induction: 0.9 }), 40, 20)).toEqual({ kind: 'induction', score: 0.9 });
		expect(headLabel(score({ first: 0.8, induction: null }), 40, null)).toEqual({ kind: 'first', score: 0.8 });
	});
});
