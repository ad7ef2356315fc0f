// Matrix -> RGBA pixels, one pixel per cell. The canvas layer scales this up without smoothing,
// so the work per redraw is rows * cols table reads, whatever the size on screen.
import { lutIndex, type ColorLut } from './colors.js';

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

/** Softmax turns a -inf (or huge negative) mask into an exact 0: that is how masked cells read. */
export type MaskTest = (value: number, row: number, col: number) => boolean;
export const exactZeroIsMasked: MaskTest = (v) => v === 0;

export function paintMatrix(m: MatrixView, lut: ColorLut, out: Uint8ClampedArray, isMasked?: MaskTest, toUnit?: ToUnit): Uint8ClampedArray {
	const { data, offset, rows, cols } = m;
	const rs = m.rowStride ?? cols;
	const cs = m.colStride ?? 1;
	if (out.length < rows * cols * 4) throw new Error(`Pixel buffer too small: ${out.length} < ${rows * cols * 4}.`);
	const { rgba, steps, masked, invalid } = lut;
	for (let r = 0; r < rows; r++) {
		const base = offset + r * rs;
		for (let c = 0; c < cols; c++) {
			const v = data[base + c * cs];
			const p = (r * cols + c) * 4;
			if (isMasked && isMasked(v, r, c)) {
				out[p] = masked[0];
				out[p + 1] = masked[1];
				out[p + 2] = masked[2];
				out[p + 3] = masked[3];
				continue;
			}
			const i = lutIndex(toUnit ? toUnit(v) : v, steps);
			if (i < 0) {
				out[p] = invalid[0];
				out[p + 1] = invalid[1];
				out[p + 2] = invalid[2];
				out[p + 3] = invalid[3];
				continue;
			}
			out[p] = rgba[i * 4];
			out[p + 1] = rgba[i * 4 + 1];
			out[p + 2] = rgba[i * 4 + 2];
			out[p + 3] = rgba[i * 4 + 3];
		}
	}
	return out;
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
export function slice2d(data: ArrayLike<number>, dims: readonly number[], rowAxis: number, colAxis: number, fixed: readonly number[]): MatrixView {
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
