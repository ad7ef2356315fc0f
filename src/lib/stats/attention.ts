// One attention row is one softmax (seed-notes: Softmax). Hover text and health checks use these.
import type { Numeric } from './rows.js';

export interface RowStats {
	sum: number;
	entropy: number; // nats: -sum p ln p over the row's non-zero entries
	argmax: number; // key index of the largest weight (first on ties)
	max: number;
}

export function rowStats(row: Numeric): RowStats {
	let sum = 0;
	let entropy = 0;
	let argmax = 0;
	let max = -Infinity;
	for (let j = 0; j < row.length; j++) {
		const p = row[j];
		sum += p;
		if (p > 0) entropy -= p * Math.log(p);
		if (p > max) {
			max = p;
			argmax = j;
		}
	}
	return { sum, entropy, argmax, max };
}

export interface SoftmaxRows {
	rows: number;
	max_err: number; // largest |sum - 1| over rows with a finite sum
	off: number; // rows with |sum - 1| > tolerance
	nonfinite: number; // rows holding NaN or Inf (their sum is not a number to compare)
	zero: number[]; // flat indices of rows that are all zero (a softmax never yields one)
}

/** A pattern [..., S_q, S_k] as softmax outputs, one pass: the worst row-sum error, rows not finite, rows all zero. */
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
