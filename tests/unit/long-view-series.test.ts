import { describe, expect, it } from 'vitest';
import { scaleLinear } from 'd3-scale';
import { aggregateColumns, aggregates, bandPath, meanPath } from '../../src/lib/viz/aggregate';
import { positionAt } from '../../src/lib/viz/chart';
import { uniform } from '../../src/lib/stats/random';

describe('per-token series aggregated to the pixel', () => {
	const n = 4096;
	const r = uniform(11);
	const values = Array.from({ length: n }, () => 1 + r());
	values[2345] = 40; // one spike
	values[77] = -3; // one dip

	it('each pixel column keeps the extremes and the mean of exactly its tokens', () => {
		const cols = aggregateColumns(values, 300);
		expect(cols.width).toBe(300);
		let covered = 0;
		for (let k = 0; k < cols.width; k++) {
			const part = values.slice(cols.from[k], cols.to[k]);
			expect(cols.from[k]).toBe(covered);
			covered = cols.to[k];
			expect(cols.max[k]).toBe(Math.max(...part));
			expect(cols.min[k]).toBe(Math.min(...part));
			expect(cols.mean[k]).toBeCloseTo(part.reduce((a, b) => a + b, 0) / part.length, 12);
		}
		expect(covered).toBe(n);
		const spike = cols.from.findIndex((f, k) => f <= 2345 && 2345 < cols.to[k]);
		expect(cols.max[spike]).toBe(40);
		const dip = cols.from.findIndex((f, k) => f <= 77 && 77 < cols.to[k]);
		expect(cols.min[dip]).toBe(-3);
	});

	it('skips non-finite values; a column of none has no band', () => {
		const v = [1, NaN, 3, Infinity, null, null];
		const cols = aggregateColumns(v, 3);
		expect(Array.from(cols.max)).toEqual([1, 3, NaN]);
		expect(Array.from(cols.min)).toEqual([1, 3, NaN]);
		const y = scaleLinear().domain([0, 4]).range([100, 0]);
		expect(bandPath(cols, 30, y)).not.toContain('NaN');
		expect(meanPath(cols, 30, y)).not.toContain('NaN');
	});

	it('only aggregates when there are more tokens than pixels', () => {
		expect(aggregates(16, 300)).toBe(false);
		expect(aggregates(300, 300)).toBe(false);
		expect(aggregates(301, 300)).toBe(true);
		expect(aggregateColumns([1, 2, 3], 300).width).toBe(3);
	});

	it('hover picks the exact token under the pointer at 4096 tokens in 300 px', () => {
		for (let t = 0; t < n; t += 37) expect(positionAt(((t + 0.5) * 300) / n, n, 300)).toBe(t);
	});
});
