import { describe, expect, it } from 'vitest';
import { attentionLut, lutIndex } from '../../src/lib/viz/colors';
import { exactZeroIsMasked, paintMatrix, scoresMask, sliceOf } from '../../src/lib/viz/paint';
import {
	blockAt,
	brushRegion,
	causalBlocks,
	cellInRegion,
	cellRect,
	clampRegion,
	fullRegion,
	isLongPattern,
	paintPooled,
	paintPooledAt,
	regionAround,
	regionMask,
	regionView
} from '../../src/lib/viz/overview';
import { positionTicks } from '../../src/lib/viz/overview-axes';
import { poolPattern } from '../../src/lib/stats/long';
import { uniform } from '../../src/lib/stats/random';

const lut = attentionLut('light');
const px = (out: Uint8ClampedArray, i: number) => Array.from(out.subarray(i * 4, i * 4 + 4));
const color = (v: number) => {
	const k = lutIndex(v, lut.steps);
	return Array.from(lut.rgba.subarray(k * 4, k * 4 + 4));
};

/** A causal [seq, seq] pattern: row i uniform over keys 0..i, except one hot cell. */
function causalWithHot(seq: number, hot: [number, number], weight: number): Float32Array {
	const p = new Float32Array(seq * seq);
	for (let i = 0; i < seq; i++) {
		const rest = i === hot[0] ? (1 - weight) / i : 1 / (i + 1);
		for (let j = 0; j <= i; j++) p[i * seq + j] = rest;
		if (i === hot[0]) p[i * seq + hot[1]] = weight;
	}
	return p;
}

describe('long pattern overview', () => {
	const seq = 4096;
	const hot: [number, number] = [3001, 17];
	const pattern = causalWithHot(seq, hot, 0.9);
	const pooled = poolPattern(pattern, seq, 256);

	it('is chosen above 1024 tokens only', () => {
		expect(isLongPattern(1024, 1024)).toBe(false);
		expect(isLongPattern(1025, 1025)).toBe(true);
		expect(isLongPattern(4096, 4096)).toBe(true);
	});

	it('keeps one hot cell visible when max-pooled; the mean washes it out', () => {
		expect(pooled.block).toBe(16);
		const size = pooled.size;
		const causal = causalBlocks(pooled);
		expect(causal).toBe(true);
		const max = paintPooled(pooled, 'max', lut, new Uint8ClampedArray(size * size * 4), causal);
		const mean = paintPooled(pooled, 'mean', lut, new Uint8ClampedArray(size * size * 4), causal);
		const at = Math.floor(hot[0] / 16) * size + Math.floor(hot[1] / 16);
		expect(px(max, at)).toEqual(color(Math.fround(0.9)));
		// The same block's mean is ~0.9 / 256: near the bottom of the scale.
		expect(px(mean, at)).toEqual(color(pooled.mean[at]));
		expect(pooled.mean[at]).toBeLessThan(0.01);
		expect(px(mean, at)).not.toEqual(px(max, at));
		// The neighbouring block in the same block row holds only ~1/3000 weights.
		expect(px(max, at + 1)).toEqual(color(pooled.max[at + 1]));
		expect(pooled.max[at + 1]).toBeLessThan(0.001);
	});

	it('draws blocks above the diagonal grey, the diagonal blocks in colour', () => {
		const size = pooled.size;
		const out = paintPooled(pooled, 'max', lut, new Uint8ClampedArray(size * size * 4), true);
		expect(px(out, 0 * size + 1)).toEqual(Array.from(lut.masked));
		expect(px(out, 10 * size + 200)).toEqual(Array.from(lut.masked));
		expect(px(out, 10 * size + 10)).not.toEqual(Array.from(lut.masked));
		expect(px(out, 200 * size + 10)).not.toEqual(Array.from(lut.masked));
		// Without the causal flag nothing is masked (a zero block is just the bottom colour).
		const plain = paintPooled(pooled, 'max', lut, new Uint8ClampedArray(size * size * 4), false);
		expect(px(plain, 1)).toEqual(color(0));
	});

	it('drawn at the box size, each pixel shows the block of the token cell at its centre (partial last blocks too)', () => {
		const n = 1537; // blocks of 7: the last one holds 4 tokens
		const p = poolPattern(causalWithHot(n, [1530, 3], 0.8), n, 256);
		expect(p.block * p.size).toBeGreaterThan(n);
		const [w, h] = [300, 300];
		const small = paintPooled(p, 'max', lut, new Uint8ClampedArray(p.size * p.size * 4), true);
		const out = paintPooledAt(p, 'max', lut, new Uint8ClampedArray(w * h * 4), w, h, true);
		const region = fullRegion(n);
		for (let y = 0; y < h; y++)
			for (let x = 0; x < w; x++) {
				const b = blockAt(p, cellInRegion(x + 0.5, y + 0.5, { width: w, height: h }, region)!, true);
				expect(px(out, y * w + x)).toEqual(px(small, b.bi * p.size + b.bj));
			}
		// The hot cell's pixel is hot.
		expect(px(out, Math.floor((1530.5 * h) / n) * w + Math.floor((3.5 * w) / n))).toEqual(color(Math.fround(0.8)));
	});

	it('a full (non-causal) pattern has no masked blocks', () => {
		const n = 64;
		const p = new Float32Array(n * n).fill(1 / n);
		expect(causalBlocks(poolPattern(p, n, 8))).toBe(false);
	});

	it('says what the hovered block holds and which tokens it covers', () => {
		const b = blockAt(pooled, { row: hot[0], col: hot[1] + 3 }, true);
		expect(b).toMatchObject({ bi: 187, bj: 1, rows: [2992, 3008], cols: [16, 32], masked: false });
		expect(b.max).toBe(Math.fround(0.9));
		const m = blockAt(pooled, { row: 5, col: 4000 }, true);
		expect(m.masked).toBe(true);
		expect(m.cols).toEqual([4000, 4016]);
	});
});

describe('pointer -> token cell at 4096', () => {
	const box = { width: 640, height: 640 };
	const region = fullRegion(4096);

	it('maps the centre of each cell (6.4 cells per pixel) back to that cell', () => {
		const r = uniform(3);
		for (let k = 0; k < 2000; k++) {
			const row = Math.floor(r() * 4096);
			const col = Math.floor(r() * 4096);
			const x = ((col + 0.5) * box.width) / 4096;
			const y = ((row + 0.5) * box.height) / 4096;
			expect(cellInRegion(x, y, box, region)).toEqual({ row, col });
		}
		expect(cellInRegion(639.999, 0, box, region)).toEqual({ row: 0, col: 4095 });
		expect(cellInRegion(640, 0, box, region)).toBeNull();
		expect(cellInRegion(-0.1, 3, box, region)).toBeNull();
	});

	it('in a zoomed region, pixels map to the region cells and back', () => {
		const zoom = { row: 2900, col: 0, rows: 128, cols: 128 };
		for (const [row, col] of [
			[2900, 0],
			[3001, 17],
			[3027, 127]
		]) {
			const rc = cellRect({ row, col }, box, zoom)!;
			expect(rc.w).toBe(5);
			expect(cellInRegion(rc.x + rc.w / 2, rc.y + rc.h / 2, box, zoom)).toEqual({ row, col });
		}
		expect(cellRect({ row: 100, col: 3 }, box, zoom)).toBeNull();
	});

	it('a brush becomes the region of the cells it touches, within the largest zoom', () => {
		// 64 px of 640 in the overview: 409.6 tokens a side.
		const r = brushRegion({ x: 100, y: 300 }, { x: 164, y: 364 }, box, region, 4096, 640)!;
		expect(r.col).toBe(Math.floor((100 * 4096) / 640));
		expect(r.row).toBe(Math.floor((300 * 4096) / 640));
		expect(r.cols).toBe(Math.floor((164 * 4096) / 640) - r.col + 1);
		// Too large a brush is cut to maxCells around its centre.
		const big = brushRegion({ x: 0, y: 0 }, { x: 639, y: 639 }, box, region, 4096, 640)!;
		expect(big.rows).toBe(640);
		expect(big.cols).toBe(640);
		// Cells 0..4089 touched (x = 639 px is token 4089): centred on 2045.
		expect(big.row).toBe(2045 - 320);
		// A region around a cell near the end stays inside the pattern.
		expect(regionAround({ row: 4090, col: 3 }, 128, 4096)).toEqual({ row: 3968, col: 0, rows: 128, cols: 128 });
		expect(clampRegion({ row: 5, col: 5, rows: 2, cols: 3 }, 4096, 640)).toEqual({ row: 5, col: 5, rows: 8, cols: 8 });
	});

	it('labels token positions inside the region', () => {
		const t = positionTicks(2900, 128, 640);
		expect(t.length).toBeGreaterThan(2);
		expect(t.every((v) => v >= 2900 && v < 3028 && Number.isInteger(v))).toBe(true);
	});
});

describe('zoomed region painted exactly', () => {
	it('equals the full painting cropped, masks included (exact zeros and captured scores)', () => {
		const n = 40;
		const r = uniform(5);
		const data = Float32Array.from({ length: 2 * n * n }, (_, i) => (i % 7 === 0 ? 0 : r()));
		const scores = Float32Array.from(data, (v) => (v === 0 ? -1e9 : v));
		const full = sliceOf(data, [1, 2, n, n], [0, 1]);
		const sv = sliceOf(scores, [1, 2, n, n], [0, 1]);
		const region = { row: 7, col: 11, rows: 9, cols: 13 };
		for (const mask of [exactZeroIsMasked, scoresMask(sv, -1e4), undefined]) {
			const whole = paintMatrix(full, lut, new Uint8ClampedArray(n * n * 4), mask);
			const part = paintMatrix(
				regionView(full, region),
				lut,
				new Uint8ClampedArray(region.rows * region.cols * 4),
				regionMask(mask, region)
			);
			for (let i = 0; i < region.rows; i++)
				for (let j = 0; j < region.cols; j++)
					expect(px(part, i * region.cols + j)).toEqual(px(whole, (region.row + i) * n + region.col + j));
		}
	});
});
