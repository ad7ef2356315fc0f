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

/** The largest |row sum - 1| over all rows of a pattern [..., S_q, S_k] (NaN rows count as Infinity). */
export function rowSumMaxError(pattern: Numeric, cols: number): number {
	let worst = 0;
	for (let start = 0; start < pattern.length; start += cols) {
		let s = 0;
		for (let j = 0; j < cols; j++) s += pattern[start + j];
		const err = Number.isFinite(s) ? Math.abs(s - 1) : Infinity;
		if (err > worst) worst = err;
	}
	return worst;
}
