// The attention heatmap's colour scales: what each paints and what its legend says.
import { describe, expect, it } from 'vitest';
import { parseScale, scaleAttention, LOG_FLOOR } from '../../src/lib/features/attention/scale';
import { exactZeroIsMasked, scoresMask } from '../../src/lib/viz/paint';

// A causal 3x3 pattern: row sums 1, upper triangle masked (exact zeros).
const pattern = { data: Float32Array.from([1, 0, 0, 0.75, 0.25, 0, 0.2, 0.3, 0.5]), offset: 0, rows: 3, cols: 3 };
const at = (v: { data: ArrayLike<number> }, r: number, c: number) => v.data[r * 3 + c];

describe('attention scales', () => {
	it('fixed: the pattern itself, 0 to 1', () => {
		const s = scaleAttention(pattern, 'fixed', exactZeroIsMasked);
		expect(s.view).toBe(pattern);
		expect(s.domain).toEqual([0, 1]);
		expect(s.title).toBe('weight (fixed 0 to 1)');
	});

	it("head: divided by the head's largest unmasked weight; the legend says that max", () => {
		const p = { ...pattern, data: Float32Array.from([0.6, 0, 0, 0.3, 0.3, 0, 0.2, 0.3, 0.5]) };
		const s = scaleAttention(p, 'head', exactZeroIsMasked);
		expect(at(s.view, 0, 0)).toBeCloseTo(1, 6);
		expect(at(s.view, 1, 0)).toBeCloseTo(0.5, 6);
		expect(at(s.view, 2, 2)).toBeCloseTo(0.5 / 0.6, 6);
		expect(at(s.view, 0, 1)).toBe(0); // masked stays an exact 0
		expect(s.domain).toEqual([0, 0.6]);
		expect(s.title).toContain('0.6');
	});

	it('row: each row over its own max, masked cells left out of the max', () => {
		// Scores mask the upper triangle; the masked cell's softmax value is not zero here, and must not count.
		const scores = { data: Float32Array.from([0, -1e9, -1e9, 0, 0, -1e9, 0, 0, 0]), offset: 0, rows: 3, cols: 3 };
		const p = { ...pattern, data: Float32Array.from([0.9, 0.95, 0.5, 0.75, 0.25, 0.9, 0.2, 0.3, 0.5]) };
		const s = scaleAttention(p, 'row', scoresMask(scores, -1e4));
		expect(at(s.view, 0, 0)).toBeCloseTo(1, 6);
		expect(at(s.view, 0, 1)).toBe(0);
		expect(at(s.view, 1, 1)).toBeCloseTo(0.25 / 0.75, 6);
		expect(at(s.view, 2, 0)).toBeCloseTo(0.4, 6);
		expect(s.domain).toEqual([0, 1]);
	});

	it('log: log10 of the weight from the floor to 1', () => {
		const p = { ...pattern, data: Float32Array.from([1, 0, 0, 0.01, 1e-6, 0, 0.2, 0.3, 0.5]) };
		const s = scaleAttention(p, 'log', exactZeroIsMasked);
		expect(at(s.view, 0, 0)).toBeCloseTo(1, 6);
		expect(at(s.view, 1, 0)).toBeCloseTo(0.5, 6); // log10(0.01) = -2 of -4
		expect(at(s.view, 1, 1)).toBe(0); // under the floor
		expect(s.domain).toEqual([Math.log10(LOG_FLOOR), 0]);
	});

	it('parses the URL value, unknown -> fixed', () => {
		expect(parseScale('row')).toBe('row');
		expect(parseScale('nope')).toBe('fixed');
		expect(parseScale(null)).toBe('fixed');
	});
});

describe('the quieter mask colour', () => {
	it('is a neutral grey apart from every colour of the ramp, in both schemes', async () => {
		const { quietMaskLut } = await import('../../src/lib/features/attention/scale');
		for (const scheme of ['light', 'dark'] as const) {
			const lut = quietMaskLut(scheme);
			const [r, g, b] = lut.masked;
			expect(r === g && g === b).toBe(true);
			for (let i = 0; i < lut.steps; i++) {
				const d = Math.abs(lut.rgba[i * 4] - r) + Math.abs(lut.rgba[i * 4 + 1] - g) + Math.abs(lut.rgba[i * 4 + 2] - b);
				expect(d, `${scheme} entry ${i}`).toBeGreaterThan(30);
			}
		}
	});
});
