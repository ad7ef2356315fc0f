// Matrix -> RGBA pixels, one pixel per cell. The canvas layer scales this up without smoothing,
// so the work per redraw is rows * cols table reads, whatever the size on screen.
import { lutIndex, type ColorLut } from './colors.js';

export interface MatrixView {
	data: ArrayLike<number>;
	offset: number; // index of cell (0, 0)
	rows: number;
	cols: number;
}

/** Softmax turns a -inf (or huge negative) mask into an exact 0: that is how masked cells read. */
export type MaskTest = (value: number, row: number, col: number) => boolean;
export const exactZeroIsMasked: MaskTest = (v) => v === 0;

export function paintMatrix(m: MatrixView, lut: ColorLut, out: Uint8ClampedArray, isMasked?: MaskTest): Uint8ClampedArray {
	const { data, offset, rows, cols } = m;
	if (out.length < rows * cols * 4) throw new Error(`Pixel buffer too small: ${out.length} < ${rows * cols * 4}.`);
	const { rgba, steps, masked, invalid } = lut;
	for (let r = 0; r < rows; r++) {
		const base = offset + r * cols;
		for (let c = 0; c < cols; c++) {
			const v = data[base + c];
			const p = (r * cols + c) * 4;
			if (isMasked && isMasked(v, r, c)) {
				out[p] = masked[0];
				out[p + 1] = masked[1];
				out[p + 2] = masked[2];
				out[p + 3] = masked[3];
				continue;
			}
			const i = lutIndex(v, steps);
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
