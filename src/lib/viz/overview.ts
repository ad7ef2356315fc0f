// Long attention patterns (thousands of tokens): an overview painted from the pooled pattern (one
// pixel per block, max-pooled by default so a single sharp key stays visible) and a zoomed region
// painted exactly from the captured rows. Both are a window onto token positions: a Region. The
// pointer always maps to the exact token cell under it, whatever the number of cells per pixel.
import { blockAboveDiagonal, type PooledPattern } from '../stats/long.js';
import type { ColorLut } from './colors.js';
import type { Cell, GridBox } from './grid.js';
import { cellIndex, exactZeroIsMasked, paintMatrix, scoresMask, type MaskTest, type MatrixView } from './paint.js';

/** Patterns longer than this are drawn as an overview + zoom (up to it: every cell, as always). */
export const LONG_SEQ = 1024;

export function isLongPattern(rows: number, cols: number): boolean {
	return Math.max(rows, cols) > LONG_SEQ;
}

/** Rows [row, row + rows) x columns [col, col + cols) of token positions. */
export interface Region {
	row: number;
	col: number;
	rows: number;
	cols: number;
}

export type PoolMode = 'max' | 'mean';

/** The whole [seq, seq] pattern as a region. */
export function fullRegion(seq: number): Region {
	return { row: 0, col: 0, rows: seq, cols: seq };
}

/** Token rows [start, end) that block `b` of a pooled pattern covers. */
export function blockSpan(p: Pick<PooledPattern, 'seq' | 'block'>, b: number): [number, number] {
	return [b * p.block, Math.min(p.seq, (b + 1) * p.block)];
}

/** Masked blocks: above the diagonal of a causal pattern (nothing there was computed). */
function blockMask(p: PooledPattern): MaskTest {
	return (_v, r, c) => blockAboveDiagonal(p, r, c);
}

/**
 * The overview's pixels: one per block (size x size RGBA into `out`), the block's max or mean
 * through the colour table; blocks wholly above the diagonal grey when the pattern is causal.
 */
export function paintPooled(p: PooledPattern, mode: PoolMode, lut: ColorLut, out: Uint8ClampedArray, causal: boolean): Uint8ClampedArray {
	const view: MatrixView = { data: p[mode], offset: 0, rows: p.size, cols: p.size };
	return paintMatrix(view, lut, out, causal ? blockMask(p) : undefined);
}

/**
 * The overview at `width` x `height` pixels (the box drawn): each pixel shows the block holding the
 * token cell at its centre, so the picture lines up with the token axes and the hover even where
 * the last blocks are partial (seq not a multiple of the block).
 */
export function paintPooledAt(
	p: PooledPattern,
	mode: PoolMode,
	lut: ColorLut,
	out: Uint8ClampedArray,
	width: number,
	height: number,
	causal: boolean
): Uint8ClampedArray {
	const small = paintPooled(p, mode, lut, new Uint8ClampedArray(p.size * p.size * 4), causal);
	const src = new Uint32Array(small.buffer, 0, p.size * p.size);
	if (out.length < width * height * 4 || out.byteOffset % 4)
		throw new Error(`Pixel buffer too small or unaligned for ${width} x ${height}.`);
	const dst = new Uint32Array(out.buffer, out.byteOffset, width * height);
	const blockOf = (px: number, n: number) => Math.min(p.size - 1, Math.floor(Math.floor(((px + 0.5) * p.seq) / n) / p.block));
	const cols = Int32Array.from({ length: width }, (_, x) => blockOf(x, width));
	for (let y = 0, i = 0; y < height; y++) {
		const row = blockOf(y, height) * p.size;
		for (let x = 0; x < width; x++, i++) dst[i] = src[row + cols[x]];
	}
	return out;
}

/** The cells of `region` of a pattern view, as a view of the same data (nothing copied). */
export function regionView(m: MatrixView, region: Region): MatrixView {
	return {
		data: m.data,
		offset: cellIndex(m, region.row, region.col),
		rows: region.rows,
		cols: region.cols,
		rowStride: m.rowStride ?? m.cols,
		colStride: m.colStride ?? 1
	};
}

/** The token cell under a point relative to the grid's top-left corner (box = the region drawn). */
export function cellInRegion(x: number, y: number, box: Pick<GridBox, 'width' | 'height'>, region: Region): Cell | null {
	if (!(x >= 0 && y >= 0 && x < box.width && y < box.height)) return null;
	const col = region.col + Math.min(region.cols - 1, Math.floor((x * region.cols) / box.width));
	const row = region.row + Math.min(region.rows - 1, Math.floor((y * region.rows) / box.height));
	return { row, col };
}

/** Where a token cell sits in the drawn box: its left/top edge and size in CSS px (null: outside). */
export function cellRect(
	cell: Cell,
	box: Pick<GridBox, 'width' | 'height'>,
	region: Region
): { x: number; y: number; w: number; h: number } | null {
	const r = cell.row - region.row;
	const c = cell.col - region.col;
	if (r < 0 || c < 0 || r >= region.rows || c >= region.cols) return null;
	const w = box.width / region.cols;
	const h = box.height / region.rows;
	return { x: c * w, y: r * h, w, h };
}

/** Largest zoom: the region is never more cells than `maxCells` on a side (every cell >= 1 px). */
export function clampRegion(r: Region, seq: number, maxCells: number, minCells = 8): Region {
	const side = (n: number) => Math.max(Math.min(minCells, seq), Math.min(seq, maxCells, Math.round(n)));
	const rows = side(r.rows);
	const cols = side(r.cols);
	const at = (v: number, n: number) => Math.max(0, Math.min(seq - n, Math.round(v)));
	return { row: at(r.row, rows), col: at(r.col, cols), rows, cols };
}

/** A square region of `side` cells centred on a cell (clamped into the pattern). */
export function regionAround(cell: Cell, side: number, seq: number, maxCells = side): Region {
	const n = Math.min(side, maxCells, seq);
	return clampRegion({ row: cell.row - n / 2, col: cell.col - n / 2, rows: n, cols: n }, seq, maxCells);
}

/**
 * A brush (two corners in grid px of the drawn region) as a region of tokens: the cells it touches,
 * widened to the smaller side's at least `minCells`, at most `maxCells` a side (centred on the brush).
 */
export function brushRegion(
	a: { x: number; y: number },
	b: { x: number; y: number },
	box: Pick<GridBox, 'width' | 'height'>,
	region: Region,
	seq: number,
	maxCells: number
): Region | null {
	const clampX = (x: number) => Math.max(0, Math.min(box.width - 1e-6, x));
	const clampY = (y: number) => Math.max(0, Math.min(box.height - 1e-6, y));
	const p = cellInRegion(clampX(Math.min(a.x, b.x)), clampY(Math.min(a.y, b.y)), box, region);
	const q = cellInRegion(clampX(Math.max(a.x, b.x)), clampY(Math.max(a.y, b.y)), box, region);
	if (!p || !q) return null;
	const rows = q.row - p.row + 1;
	const cols = q.col - p.col + 1;
	const cr = p.row + rows / 2;
	const cc = p.col + cols / 2;
	const r = Math.min(maxCells, rows);
	const c = Math.min(maxCells, cols);
	return clampRegion({ row: cr - r / 2, col: cc - c / 2, rows: r, cols: c }, seq, maxCells);
}

export interface BlockInfo {
	/** Block indices (row, column) in the pooled pattern. */
	bi: number;
	bj: number;
	rows: [number, number];
	cols: [number, number];
	max: number;
	mean: number;
	/** Wholly above the diagonal of a causal pattern. */
	masked: boolean;
}

/** The pooled block holding a token cell. */
export function blockAt(p: PooledPattern, cell: Cell, causal: boolean): BlockInfo {
	const bi = Math.min(p.size - 1, Math.floor(cell.row / p.block));
	const bj = Math.min(p.size - 1, Math.floor(cell.col / p.block));
	const k = bi * p.size + bj;
	return {
		bi,
		bj,
		rows: blockSpan(p, bi),
		cols: blockSpan(p, bj),
		max: p.max[k],
		mean: p.mean[k],
		masked: causal && blockAboveDiagonal(p, bi, bj)
	};
}

/** A mask test of the whole pattern, for a view of `region` of it (row and column shifted). */
export function regionMask(mask: MaskTest | undefined, region: Region): MaskTest | undefined {
	if (!mask || mask === exactZeroIsMasked) return mask;
	if (mask.scores) return scoresMask(regionView(mask.scores, region), mask.threshold ?? -Infinity);
	return (v, r, c) => mask(v, r + region.row, c + region.col);
}

/** Whether every block wholly above the diagonal is all zeros (a causal pattern: drawn grey there). */
export function causalBlocks(p: PooledPattern): boolean {
	let any = false;
	for (let bi = 0; bi < p.size; bi++)
		for (let bj = bi + 1; bj < p.size; bj++) {
			if (!blockAboveDiagonal(p, bi, bj)) continue;
			if (p.max[bi * p.size + bj] !== 0) return false;
			any = true;
		}
	return any;
}
