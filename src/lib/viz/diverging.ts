// The diverging scale for arbitrary tensors: centred at 0 and symmetric, so the sign reads from
// the hue and equal magnitudes get equal strength on both sides.
import type { MatrixView, ToUnit } from './paint.js';

/** Largest finite |value| of a view (0 when it holds none). */
export function maxAbs(m: MatrixView): number {
	const rs = m.rowStride ?? m.cols;
	const cs = m.colStride ?? 1;
	let hi = 0;
	for (let r = 0; r < m.rows; r++)
		for (let c = 0; c < m.cols; c++) {
			const v = Math.abs(m.data[m.offset + r * rs + c * cs]);
			if (v > hi && v !== Infinity) hi = v;
		}
	return hi;
}

/** The symmetric domain [-m, m] (m = 1 for an all-zero slice, so the legend still reads). */
export function centredDomain(m: MatrixView): [number, number] {
	const a = maxAbs(m);
	return a > 0 ? [-a, a] : [-1, 1];
}

/** Value -> [0, 1] with 0 at the centre; NaN stays NaN (drawn as invalid). */
export function centredToUnit([lo, hi]: readonly [number, number]): ToUnit {
	const half = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
	return (v) => (v / half + 1) / 2;
}
