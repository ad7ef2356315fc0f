import { describe, expect, it } from 'vitest';
import { binStep, markerStep, tokenStep } from '../../src/lib/features/charts/chart-keys';
import { ratioSeries } from '../../src/lib/features/charts/flow-series';

// Two series: 0 has points at x 0, 10, 20; series 1 at x 5, 18.
const ms = [
	{ series: 0, index: 0, px: 0 },
	{ series: 0, index: 1, px: 10 },
	{ series: 0, index: 2, px: 20 },
	{ series: 1, index: 0, px: 5 },
	{ series: 1, index: 1, px: 18 }
];

describe('markerStep', () => {
	it('moves along a series and stops at its ends', () => {
		expect(markerStep(ms, ms[1], 'ArrowRight', false)).toEqual({ move: ms[2] });
		expect(markerStep(ms, ms[2], 'ArrowRight', false)).toEqual({ move: ms[2] });
		expect(markerStep(ms, ms[1], 'ArrowLeft', false)).toEqual({ move: ms[0] });
		expect(markerStep(ms, ms[0], 'ArrowRight', true)).toEqual({ move: ms[2] });
		expect(markerStep(ms, ms[1], 'End', false)).toEqual({ move: ms[2] });
		expect(markerStep(ms, ms[4], 'Home', false)).toEqual({ move: ms[3] });
	});
	it('switches series to the nearest point, wrapping', () => {
		expect(markerStep(ms, ms[2], 'ArrowDown', false)).toEqual({ move: ms[4] });
		expect(markerStep(ms, ms[3], 'ArrowDown', false)).toEqual({ move: ms[0] });
		expect(markerStep(ms, ms[0], 'ArrowUp', false)).toEqual({ move: ms[3] });
	});
	it('picks only a point under the cursor; other keys are not the chart’s', () => {
		expect(markerStep(ms, ms[4], 'Enter', false)).toEqual({ pick: ms[4] });
		expect(markerStep(ms, null, 'Enter', false)).toBeNull();
		expect(markerStep(ms, ms[0], 'a', false)).toBeNull();
		expect(markerStep([], null, 'ArrowRight', false)).toBeNull();
	});
});

describe('tokenStep', () => {
	it('moves a token cursor within the sequence', () => {
		expect(tokenStep(5, null, 'ArrowRight', false)).toEqual({ move: 0 });
		expect(tokenStep(5, 3, 'ArrowRight', false)).toEqual({ move: 4 });
		expect(tokenStep(5, 4, 'ArrowRight', false)).toEqual({ move: 4 });
		expect(tokenStep(5, 3, 'ArrowLeft', true)).toEqual({ move: 0 });
		expect(tokenStep(5, 2, 'End', false)).toEqual({ move: 4 });
		expect(tokenStep(5, 2, 'Enter', false)).toEqual({ pick: 2 });
		expect(tokenStep(5, null, 'Enter', false)).toBeNull();
		expect(tokenStep(5, 2, 'ArrowUp', false)).toBeNull();
		expect(tokenStep(0, null, 'ArrowRight', false)).toBeNull();
	});
});

describe('binStep', () => {
	it('moves over the bins, clamped, and across series on the same bin', () => {
		expect(binStep(32, 2, null, 'ArrowRight', false)).toEqual({ move: { bin: 0, series: 0 } });
		expect(binStep(32, 2, { bin: 3, series: 0 }, 'ArrowRight', false)).toEqual({ move: { bin: 4, series: 0 } });
		expect(binStep(32, 2, { bin: 3, series: 0 }, 'ArrowLeft', true)).toEqual({ move: { bin: 0, series: 0 } });
		expect(binStep(32, 2, { bin: 30, series: 1 }, 'ArrowRight', true)).toEqual({ move: { bin: 31, series: 1 } });
		expect(binStep(32, 2, { bin: 5, series: 1 }, 'Home', false)).toEqual({ move: { bin: 0, series: 1 } });
		expect(binStep(32, 2, { bin: 5, series: 0 }, 'End', false)).toEqual({ move: { bin: 31, series: 0 } });
		expect(binStep(32, 2, { bin: 5, series: 1 }, 'ArrowDown', false)).toEqual({ move: { bin: 5, series: 0 } });
		expect(binStep(32, 2, { bin: 5, series: 0 }, 'ArrowUp', false)).toEqual({ move: { bin: 5, series: 1 } });
		expect(binStep(32, 1, { bin: 5, series: 0 }, 'ArrowDown', false)).toEqual({ move: { bin: 5, series: 0 } });
	});
	it('leaves other keys, and an empty histogram, to the page', () => {
		expect(binStep(32, 2, { bin: 5, series: 0 }, 'Enter', false)).toBeNull();
		expect(binStep(32, 2, { bin: 5, series: 0 }, 'x', false)).toBeNull();
		expect(binStep(0, 2, null, 'ArrowRight', false)).toBeNull();
		expect(binStep(32, 0, null, 'ArrowRight', false)).toBeNull();
	});
});

describe('ratioSeries without colour', () => {
	it('draws MLP with open markers and a dotted mean, attention filled and solid', () => {
		const s = ratioSeries([], 1);
		const by = Object.fromEntries(s.map((x) => [x.id, x]));
		expect(by['attn-ratio'].hollow ?? false).toBe(false);
		expect(by['attn-ratio'].dotted ?? false).toBe(false);
		expect(by['mlp-ratio'].hollow).toBe(true);
		expect(by['mlp-ratio'].dotted).toBe(true);
		expect(by['mlp-ratio-token'].hollow).toBe(true);
		expect(by['mlp-ratio-token'].dashed).toBe(true);
		expect(by['attn-ratio-token'].dashed).toBe(true);
	});
});
