// Matrix -> RGBA pixels, one pixel per cell. The canvas layer scales this up without smoothing,
// so the work per redraw is rows * cols table reads, whatever the size on screen.
import type { ColorLut } from './colors.js';

export interface MatrixView {
	data: ArrayLike<number>;
	offset: number; // index of cell (0, 0)
	rows: number;
	cols: number;
	/** Element steps between rows / columns (default cols and 1: a contiguous row-major block). */
	rowStride?: number;
	colStride?: number;
}

/** Flat index of cell (r, c) of a view. */
export function cellIndex(m: MatrixView, r: number, c: number): number {
	return m.offset + r * (m.rowStride ?? m.cols) + c * (m.colStride ?? 1);
}

/** Maps a value to the table's [0, 1] domain (identity for attention; centred for diverging). */
export type ToUnit = (v: number) => number;

/**
 * Softmax turns a -inf (or huge negative) mask into an exact 0: that is how masked cells read.
 * `scores` (with `threshold`), when set, says the test reads the softmax input at the same cell:
 * `paintMatrix` then inlines it instead of calling the function per cell.
 */
export type MaskTest = ((value: number, row: number, col: number) => boolean) & { scores?: MatrixView; threshold?: number };
export const exactZeroIsMasked: MaskTest = (v) => v === 0;

/** A mask read from the scores: cell (r, c) is masked when scores[r, c] <= threshold. */
export function scoresMask(scores: MatrixView, threshold: number): MaskTest {
	const test: MaskTest = (_v, r, c) => scores.data[cellIndex(scores, r, c)] <= threshold;
	test.scores = scores;
	test.threshold = threshold;
	return test;
}

/**
 * Values -> RGBA, one packed 32-bit write per cell (`out` is viewed as Uint32, so it must start at
 * a multiple of 4 bytes, as an ImageData's buffer does). The common masks are inlined: at 1024 x
 * 1024 a callback, a clamp and four byte writes per cell cost ~3x the table read itself.
 */
export function paintMatrix(m: MatrixView, lut: ColorLut, out: Uint8ClampedArray, isMasked?: MaskTest, toUnit?: ToUnit): Uint8ClampedArray {
	const { data, offset, rows, cols } = m;
	const rs = m.rowStride ?? cols;
	const cs = m.colStride ?? 1;
	if (out.length < rows * cols * 4) throw new Error(`Pixel buffer too small: ${out.length} < ${rows * cols * 4}.`);
	if (out.byteOffset % 4 !== 0) throw new Error('Pixel buffer must start at a multiple of 4 bytes.');
	const px = new Uint32Array(out.buffer, out.byteOffset, rows * cols);
	const { colors, maskedColor, invalidColor } = packed(lut);
	const k = lut.steps - 1;
	const top = colors[k];
	const bottom = colors[0];
	const zeroMask = isMasked === exactZeroIsMasked;
	const sm = !zeroMask && isMasked?.scores ? isMasked.scores : null;
	const threshold = isMasked?.threshold ?? -Infinity;
	const generic = isMasked && !zeroMask && !sm ? isMasked : undefined;
	const sData = sm?.data;
	const sOff = sm?.offset ?? 0;
	const sRs = sm ? (sm.rowStride ?? sm.cols) : 0;
	const sCs = sm ? (sm.colStride ?? 1) : 0;
	let p = 0;
	if (!toUnit && !sm && !generic) {
		// The attention case: the tightest loop (no callbacks; the zero test is a compare).
		for (let r = 0; r < rows; r++) {
			let i = offset + r * rs;
			for (let c = 0; c < cols; c++, p++, i += cs) {
				const v = data[i];
				if (v > 0 && v < 1) px[p] = colors[(v * k + 0.5) | 0];
				else if (v === 0) px[p] = zeroMask ? maskedColor : bottom;
				else if (v < 0) px[p] = v === -Infinity ? invalidColor : bottom;
				else if (v >= 1) px[p] = v === Infinity ? invalidColor : top;
				else px[p] = invalidColor;
			}
		}
		return out;
	}
	for (let r = 0; r < rows; r++) {
		let i = offset + r * rs;
		let si = sOff + r * sRs;
		for (let c = 0; c < cols; c++, p++, i += cs, si += sCs) {
			const raw = data[i];
			if (zeroMask ? raw === 0 : sData ? sData[si] <= threshold : generic ? generic(raw, r, c) : false) {
				px[p] = maskedColor;
				continue;
			}
			const v = toUnit ? toUnit(raw) : raw;
			// Same index as lutIndex: clamp to [0, 1], round half up; NaN and +-Inf are invalid.
			if (v > 0 && v < 1) px[p] = colors[(v * k + 0.5) | 0];
			else if (v <= 0) px[p] = v === -Infinity ? invalidColor : bottom;
			else if (v >= 1) px[p] = v === Infinity ? invalidColor : top;
			else px[p] = invalidColor;
		}
	}
	return out;
}

interface Packed {
	colors: Uint32Array;
	maskedColor: number;
	invalidColor: number;
}
const packedCache = new WeakMap<ColorLut, Packed>();

/** The table as 32-bit pixels in the platform's byte order (a view of the same RGBA bytes). */
function packed(lut: ColorLut): Packed {
	let p = packedCache.get(lut);
	if (!p) {
		const one = (rgba: readonly number[]) => new Uint32Array(Uint8ClampedArray.from(rgba).buffer)[0];
		p = { colors: new Uint32Array(Uint8ClampedArray.from(lut.rgba).buffer), maskedColor: one(lut.masked), invalidColor: one(lut.invalid) };
		packedCache.set(lut, p);
	}
	return p;
}

/** The [rows, cols] slice at the given leading indices of a row-major tensor (e.g. [b, h] of [B,H,S,S]). */
export function sliceOf(data: ArrayLike<number>, dims: readonly number[], lead: readonly number[]): MatrixView {
	if (dims.length < 2) throw new Error(`Need a tensor of rank >= 2, got dims [${dims.join(', ')}].`);
	if (lead.length !== dims.length - 2) throw new Error(`Need ${dims.length - 2} leading indices, got ${lead.length}.`);
	const rows = dims[dims.length - 2];
	const cols = dims[dims.length - 1];
	let offset = 0;
	lead.forEach((i, k) => {
		if (i < 0 || i >= dims[k] || !Number.isInteger(i)) throw new Error(`Index ${i} out of range for axis ${k} (size ${dims[k]}).`);
		offset = offset * dims[k] + i;
	});
	return { data, offset: offset * rows * cols, rows, cols };
}

/**
 * Any 2-D slice of a row-major tensor: `rowAxis` x `colAxis`, every other axis held at `fixed[k]`
 * (entries for the two chosen axes are ignored). Rank 1 is one row; rank 0 one cell.
 */
export function slice2d(
	data: ArrayLike<number>,
	dims: readonly number[],
	rowAxis: number,
	colAxis: number,
	fixed: readonly number[]
): MatrixView {
	const rank = dims.length;
	if (rank === 0) return { data, offset: 0, rows: 1, cols: 1, rowStride: 1, colStride: 1 };
	const strides = new Array<number>(rank);
	let s = 1;
	for (let k = rank - 1; k >= 0; k--) {
		strides[k] = s;
		s *= dims[k];
	}
	if (rank === 1) return { data, offset: 0, rows: 1, cols: dims[0], rowStride: dims[0], colStride: 1 };
	if (rowAxis === colAxis || rowAxis < 0 || colAxis < 0 || rowAxis >= rank || colAxis >= rank)
		throw new Error(`Need two different axes of a rank-${rank} tensor, got ${rowAxis} and ${colAxis}.`);
	let offset = 0;
	for (let k = 0; k < rank; k++) {
		if (k === rowAxis || k === colAxis) continue;
		const i = fixed[k] ?? 0;
		if (!Number.isInteger(i) || i < 0 || i >= dims[k]) throw new Error(`Index ${i} out of range for axis ${k} (size ${dims[k]}).`);
		offset += i * strides[k];
	}
	return { data, offset, rows: dims[rowAxis], cols: dims[colAxis], rowStride: strides[rowAxis], colStride: strides[colAxis] };
}
