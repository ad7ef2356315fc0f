import { describe, expect, it } from 'vitest';
import { interpolateBlues, interpolateMagma } from 'd3-scale-chromatic';
import { attentionLut, buildLut, lutIndex, parseColor } from '../../src/lib/viz/colors';
import {
	exactZeroIsMasked,
	paintMatrix,
	scoresMask,
	slice2d,
	sliceOf,
	type MaskTest,
	type MatrixView,
	type ToUnit
} from '../../src/lib/viz/paint';
import { uniform } from '../../src/lib/stats/random';
import { cellAt, cellCenter, fitGrid, gridScales, tickPositions } from '../../src/lib/viz/grid';
import { axisLabel, displayToken } from '../../src/lib/viz/labels';
import { LEGEND_DOMAIN, legendStops } from '../../src/lib/viz/legend';
import { axisLayout } from '../../src/lib/viz/axes';

describe('colour lookup table', () => {
	it('parses the strings d3 interpolators produce', () => {
		expect(parseColor('#ff8000')).toEqual([255, 128, 0, 255]);
		expect(parseColor('rgb(8, 48, 107)')).toEqual([8, 48, 107, 255]);
		expect(parseColor('rgba(1, 2, 3, 0.5)')).toEqual([1, 2, 3, 128]);
		expect(() => parseColor('red')).toThrow(/Unsupported/);
	});

	it('samples the interpolator at i / (steps - 1), ends included', () => {
		const lut = buildLut(interpolateBlues, 256);
		expect(lut.rgba.length).toBe(256 * 4);
		expect([...lut.rgba.subarray(0, 4)]).toEqual(parseColor(interpolateBlues(0)));
		expect([...lut.rgba.subarray(255 * 4, 256 * 4)]).toEqual(parseColor(interpolateBlues(1)));
		expect([...lut.rgba.subarray(128 * 4, 129 * 4)]).toEqual(parseColor(interpolateBlues(128 / 255)));
	});

	it('maps the fixed [0, 1] domain to indices, clamps, and flags non-finite values', () => {
		expect(lutIndex(0, 256)).toBe(0);
		expect(lutIndex(1, 256)).toBe(255);
		expect(lutIndex(0.5, 256)).toBe(128);
		expect(lutIndex(-3, 256)).toBe(0);
		expect(lutIndex(7, 256)).toBe(255);
		expect(lutIndex(NaN, 256)).toBe(-1);
		expect(lutIndex(Infinity, 256)).toBe(-1);
		expect(lutIndex(-Infinity, 256)).toBe(-1);
	});

	it('has a light and a dark scheme whose masked grey is in neither ramp', () => {
		const light = attentionLut('light');
		const dark = attentionLut('dark');
		expect(light.interpolate).toBe(interpolateBlues);
		expect(dark.interpolate).toBe(interpolateMagma);
		expect(attentionLut('light')).toBe(light); // cached
		for (const lut of [light, dark]) {
			const [r, g, b] = lut.masked;
			expect(r === g && g === b).toBe(true);
			for (let i = 0; i < lut.steps; i++) {
				const d = Math.abs(lut.rgba[i * 4] - r) + Math.abs(lut.rgba[i * 4 + 1] - g) + Math.abs(lut.rgba[i * 4 + 2] - b);
				expect(d).toBeGreaterThan(30);
			}
		}
	});
});

describe('painting a matrix', () => {
	const lut = buildLut(interpolateBlues, 3); // values 0, 0.5, 1 -> entries 0, 1, 2
	const px = (out: Uint8ClampedArray, i: number) => [...out.subarray(i * 4, i * 4 + 4)];
	const entry = (i: number) => [...lut.rgba.subarray(i * 4, i * 4 + 4)];

	it('writes one RGBA pixel per cell, row-major, from the table', () => {
		const m = { data: [0, 0.5, 1, 0.26], offset: 0, rows: 2, cols: 2 };
		const out = paintMatrix(m, lut, new Uint8ClampedArray(16));
		expect(px(out, 0)).toEqual(entry(0));
		expect(px(out, 1)).toEqual(entry(1));
		expect(px(out, 2)).toEqual(entry(2));
		expect(px(out, 3)).toEqual(entry(1)); // 0.26 rounds to the 0.5 entry with 3 steps
	});

	it('paints masked and invalid cells apart from small values', () => {
		const m = { data: [0.2, 0, NaN, 1], offset: 0, rows: 2, cols: 2 };
		const out = paintMatrix(m, lut, new Uint8ClampedArray(16), exactZeroIsMasked);
		expect(px(out, 1)).toEqual(lut.masked);
		expect(px(out, 2)).toEqual(lut.invalid);
		const plain = paintMatrix(m, lut, new Uint8ClampedArray(16));
		expect(px(plain, 1)).toEqual(entry(0)); // without a mask test, 0 is just the low end
	});

	// The per-cell definition paintMatrix's packed, inlined loop must reproduce byte for byte.
	function reference(m: MatrixView, l: typeof lut, isMasked?: MaskTest, toUnit?: ToUnit): number[] {
		const out: number[] = [];
		for (let r = 0; r < m.rows; r++)
			for (let c = 0; c < m.cols; c++) {
				const v = m.data[m.offset + r * (m.rowStride ?? m.cols) + c * (m.colStride ?? 1)];
				if (isMasked?.(v, r, c)) out.push(...l.masked);
				else {
					const i = lutIndex(toUnit ? toUnit(v) : v, l.steps);
					out.push(...(i < 0 ? l.invalid : [...l.rgba.subarray(i * 4, i * 4 + 4)]));
				}
			}
		return out;
	}

	it('matches the per-cell definition on odd values, strided views and every kind of mask', () => {
		const full = attentionLut('dark');
		const r = uniform(7);
		const specials = [0, -0, 1, -1e-30, 1e-30, 0.5, 1 / 510, 3 / 510, NaN, Infinity, -Infinity, 2, -2, 0.99999];
		const data = Float32Array.from({ length: 5 * 6 * 7 }, (_, i) => (i % 9 === 0 ? specials[(i / 9) % specials.length] : r() * 1.4 - 0.2));
		const scores = Float32Array.from(data, (_, i) => (i % 4 === 0 ? -1e9 : r()));
		const dims = [5, 6, 7];
		// A transposed, strided slice: rows along axis 2, columns along axis 0, axis 1 held at 3.
		const views = [slice2d(data, dims, 2, 0, [0, 3, 0]), slice2d(data, dims, 1, 2, [4, 0, 0]), sliceOf(data, [30, 7], [])];
		for (const v of views) {
			const sv = { ...v, data: scores };
			const masks: (MaskTest | undefined)[] = [
				undefined,
				exactZeroIsMasked,
				scoresMask(sv, -1e4),
				(x, row, col) => (row + col) % 3 === 0 || x > 0.9
			];
			for (const mask of masks)
				for (const toUnit of [undefined, (x: number) => (x + 1) / 2]) {
					const out = paintMatrix(v, full, new Uint8ClampedArray(v.rows * v.cols * 4), mask, toUnit);
					expect([...out]).toEqual(reference(v, full, mask, toUnit));
				}
		}
	});

	it('refuses a pixel buffer that does not start on a 4-byte boundary', () => {
		const buf = new Uint8ClampedArray(20).subarray(1);
		expect(() => paintMatrix({ data: [1], offset: 0, rows: 1, cols: 1 }, lut, buf)).toThrow(/multiple of 4/);
	});

	it('refuses a buffer that is too small', () => {
		expect(() => paintMatrix({ data: [1, 2], offset: 0, rows: 1, cols: 2 }, lut, new Uint8ClampedArray(4))).toThrow(/too small/);
	});

	it('slices [b, h] of a [B, H, S, S] tensor', () => {
		const dims = [2, 3, 4, 4];
		const data = Float32Array.from({ length: 2 * 3 * 16 }, (_, i) => i);
		const m = sliceOf(data, dims, [1, 2]);
		expect(m).toMatchObject({ rows: 4, cols: 4, offset: (1 * 3 + 2) * 16 });
		expect(m.data[m.offset + 5]).toBe((1 * 3 + 2) * 16 + 5);
		expect(() => sliceOf(data, dims, [0, 3])).toThrow(/out of range/);
		expect(() => sliceOf(data, dims, [0])).toThrow(/leading indices/);
	});
});

describe('grid geometry', () => {
	const box = { width: 200, height: 100, rows: 5, cols: 10 }; // 20 x 20 px cells

	it('finds the cell under a pixel, edges included, and nothing outside', () => {
		expect(cellAt(0, 0, box)).toEqual({ row: 0, col: 0 });
		expect(cellAt(19.99, 19.99, box)).toEqual({ row: 0, col: 0 });
		expect(cellAt(20, 20, box)).toEqual({ row: 1, col: 1 });
		expect(cellAt(199.9, 99.9, box)).toEqual({ row: 4, col: 9 });
		expect(cellAt(200, 50, box)).toBeNull();
		expect(cellAt(-0.1, 50, box)).toBeNull();
		expect(cellAt(NaN, 5, box)).toBeNull();
	});

	it('cell centres and pixel lookup agree (the e2e contract of issue 4)', () => {
		for (let r = 0; r < box.rows; r++)
			for (let c = 0; c < box.cols; c++) {
				const { x, y } = cellCenter(r, c, box);
				expect(cellAt(x, y, box)).toEqual({ row: r, col: c });
			}
		expect(cellCenter(2, 3, box)).toEqual({ x: 70, y: 50 });
	});

	it('band scales cover exactly the cells cellAt returns', () => {
		const { x, y } = gridScales(box);
		expect(x.bandwidth()).toBe(20);
		expect(y.bandwidth()).toBe(20);
		for (let c = 0; c < box.cols; c++) expect(cellAt(x(c)! + 0.01, 0, box)!.col).toBe(c);
		for (let r = 0; r < box.rows; r++) expect(cellAt(0, y(r)! + 0.01, box)!.row).toBe(r);
	});

	it('fits square cells in whole pixels, at least 1 px per cell', () => {
		expect(fitGrid(16, 16, 480, 480)).toEqual({ rows: 16, cols: 16, width: 480, height: 480 });
		const g = fitGrid(22, 22, 480, 480);
		expect(g.width).toBe(g.height);
		expect(g.width).toBeLessThanOrEqual(480);
		expect(fitGrid(1024, 1024, 480, 480)).toEqual({ rows: 1024, cols: 1024, width: 1024, height: 1024 });
		expect(fitGrid(4, 8, 480, 100)).toEqual({ rows: 4, cols: 8, width: 200, height: 100 });
	});

	it('thins tick labels to nice steps when cells are small', () => {
		expect(tickPositions(16, 480)).toHaveLength(16);
		expect(tickPositions(64, 480)).toEqual(Array.from({ length: 32 }, (_, i) => i * 2));
		expect(tickPositions(1024, 512)[1]).toBe(50); // 0.5 px per cell: every 24th -> 50
		expect(tickPositions(0, 100)).toEqual([]);
	});
});

describe('token labels', () => {
	it('makes whitespace and control characters visible', () => {
		expect(displayToken(' ')).toBe('␣');
		expect(displayToken('\n')).toBe('⏎');
		expect(displayToken('a\u0001b')).toBe('a·b');
		expect(displayToken('')).toBe('∅');
	});

	it('truncates long tokens and keeps markup as plain characters', () => {
		expect(displayToken('<img src=x onerror=alert(1)>')).toBe('<img␣sr…');
		expect(displayToken('abcdefgh')).toBe('abcdefgh');
		expect(displayToken('😀😀😀😀😀😀😀😀😀')).toBe('😀😀😀😀😀😀😀…');
	});

	it('falls back to the position', () => {
		expect(axisLabel(3, undefined)).toBe('3');
		expect(axisLabel(3, 'x')).toBe('x');
	});
});

describe('legend', () => {
	it('has a fixed [0, 1] domain and stops that follow the table', () => {
		expect(LEGEND_DOMAIN).toEqual([0, 1]);
		const lut = attentionLut('light');
		const stops = legendStops(lut, 5);
		expect(stops.map((s) => s.offset)).toEqual([0, 0.25, 0.5, 0.75, 1]);
		expect(stops[4].color).toBe(interpolateBlues(1));
	});
});

describe('axis layout', () => {
	it('makes room for the widest label and turns key labels that do not fit', () => {
		const box = { width: 320, height: 320, rows: 16, cols: 16 }; // 20 px columns
		const short = axisLayout(box, { rows: Array(16).fill('a'), cols: Array(16).fill('a') });
		expect(short.rotate).toBe(false);
		const long = axisLayout(box, { rows: Array(16).fill('<unk>'), cols: Array(16).fill('<unk>') });
		expect(long.rotate).toBe(true);
		expect(long.left).toBeGreaterThan(short.left);
		expect(long.top).toBeGreaterThan(short.top);
	});
});
