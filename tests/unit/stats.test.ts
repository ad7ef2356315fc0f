import { describe, expect, it } from 'vitest';
import {
	layerNormStats,
	rmsNormStats,
	dytStats,
	paramSummary,
	tokenNorms,
	updateRatio,
	rowStats,
	softmaxRows,
	normal,
	uniform
} from '../../src/lib/stats';

// Two tokens of four features, dims [1, 2, 4]; every expected value below is worked by hand.
const x = Float32Array.from([1, 2, 3, 4, -2, 0, 0, 2]);
const dims = [1, 2, 4];

describe('norm statistics', () => {
	it('LayerNorm: mean, population variance, applied scale, output moments', () => {
		const y = Float32Array.from([0, 0, 2, 2, 1, 1, 1, 1]);
		const s = layerNormStats(x, dims, y, dims, 0.75);
		expect(s.mean).toEqual([2.5, 0]);
		expect(s.var).toEqual([1.25, 2]); // (2.25+.25+.25+2.25)/4, (4+0+0+4)/4
		expect(s.scale[0]).toBeCloseTo(1 / Math.sqrt(2), 12); // 1/sqrt(1.25+0.75)
		expect(s.scale[1]).toBeCloseTo(1 / Math.sqrt(2.75), 12);
		expect(s.out_mean).toEqual([1, 1]);
		expect(s.out_var).toEqual([1, 0]);
	});

	it('RMSNorm: mean square and scale', () => {
		const s = rmsNormStats(x, dims, x, dims, 0.5);
		expect(s.ms).toEqual([7.5, 2]); // (1+4+9+16)/4, (4+0+0+4)/4
		expect(s.scale[0]).toBeCloseTo(1 / Math.sqrt(8), 12);
		expect(s.scale[1]).toBeCloseTo(1 / Math.sqrt(2.5), 12);
	});

	it('DyT: fraction of saturated features', () => {
		// alpha 1: tanh(1)=.76, tanh(2)=.96, tanh(3), tanh(4) > .95 -> 3/4; second token: 2 of 4 (|±2|)
		const s = dytStats(x, dims, x, dims, 1);
		expect(s.saturation).toEqual([0.75, 0.5]);
		expect(s.alpha).toBe(1);
	});

	it('gamma/beta summary', () => {
		expect(paramSummary([3, -4, 0])).toEqual({ norm: 5, min: -4, max: 3 });
	});
});

describe('residual stream', () => {
	it('per-token L2 norms and update ratios', () => {
		expect(tokenNorms(Float32Array.from([3, 4, 0, 0]), [1, 2, 2])).toEqual([5, 0]);
		expect(updateRatio([6, 8, 1, 0], [1, 2, 2], [3, 4, 0, 0], [1, 2, 2])).toEqual([2, Infinity]);
		expect(updateRatio([0, 0], [1, 1, 2], [0, 0], [1, 1, 2])).toEqual([0]);
	});
});

describe('attention rows', () => {
	it('sum, entropy in nats, argmax', () => {
		const r = rowStats([0.25, 0.5, 0.25, 0]);
		expect(r.sum).toBe(1);
		expect(r.entropy).toBeCloseTo(-(0.5 * Math.log(0.25) + 0.5 * Math.log(0.5)), 12);
		expect(r.argmax).toBe(1);
		expect(r.max).toBe(0.5);
	});
	it('softmax rows: worst row-sum error, rows off by more than the tolerance, NaN rows and all-zero rows apart', () => {
		const s = softmaxRows([0.5, 0.5, 1, 0.001, 0.5, NaN], 2, 1e-4);
		expect(s.max_err).toBeCloseTo(0.001, 12);
		expect([s.rows, s.off, s.nonfinite, s.zero]).toEqual([3, 1, 1, []]);
		expect(softmaxRows([0.25, 0.75, 0, 0], 2)).toEqual({ rows: 2, max_err: 1, off: 1, nonfinite: 0, zero: [1] });
	});
});

describe('seeded randomness', () => {
	it('is deterministic and roughly standard normal', () => {
		const a = normal(7),
			b = normal(7);
		const xs = Array.from({ length: 20000 }, () => a());
		expect(Array.from({ length: 20000 }, () => b())).toEqual(xs);
		const m = xs.reduce((s, v) => s + v, 0) / xs.length;
		const v = xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length;
		expect(Math.abs(m)).toBeLessThan(0.03);
		expect(Math.abs(v - 1)).toBeLessThan(0.05);
		expect(uniform(1)()).not.toBe(uniform(2)());
	});
});

import { scanValues, FP16_MAX } from '../../src/lib/stats';
describe('one-pass value scan', () => {
	it('counts NaN, +Inf and -Inf apart; min, max and sum over the finite values; fp16 overflow by sign', () => {
		expect(scanValues(Float32Array.from([1, NaN, Infinity, -Infinity, -Infinity, 0, 70000, -65505, FP16_MAX]))).toEqual({
			finite: 5,
			min: -65505,
			max: 70000,
			sum: 1 + 70000 - 65505 + FP16_MAX,
			nan: 1,
			posInf: 1,
			negInf: 2,
			overPos: 1,
			overNeg: 1
		});
		expect(scanValues([])).toMatchObject({ finite: 0, min: Infinity, max: -Infinity, sum: 0 });
	});
});
