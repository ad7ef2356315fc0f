// Attention rows as softmax outputs (seed-notes: every row sums to 1): one pass per pattern that
// finds the worst row-sum error, the rows that are not finite, and the rows that are all zero.
import type { Numeric } from '../stats/rows.js';

export interface SoftmaxRows {
	rows: number;
	max_err: number; // largest |sum - 1| over rows with a finite sum
	off: number; // rows with |sum - 1| > tolerance
	nonfinite: number; // rows holding NaN or Inf (their sum is not a number to compare)
	zero: number[]; // flat indices of rows that are all zero
}

export function softmaxRows(pattern: Numeric, cols: number, tolerance = 1e-3): SoftmaxRows {
	const out: SoftmaxRows = { rows: 0, max_err: 0, off: 0, nonfinite: 0, zero: [] };
	if (cols <= 0) return out;
	for (let start = 0; start + cols <= pattern.length; start += cols) {
		out.rows++;
		let sum = 0;
		let zero = true;
		for (let j = 0; j < cols; j++) {
			const p = pattern[start + j];
			sum += p;
			if (p !== 0) zero = false;
		}
		if (zero) out.zero.push(start / cols);
		if (!Number.isFinite(sum)) {
			out.nonfinite++;
			continue;
		}
		const err = Math.abs(sum - 1);
		if (err > out.max_err) out.max_err = err;
		if (err > tolerance) out.off++;
	}
	return out;
}
