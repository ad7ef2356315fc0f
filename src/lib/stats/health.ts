// Numeric health of one tensor (seed-notes: softmax rows; fp16 range). Pure counting; which
// tensors are masks and which counts matter is decided by the caller that knows the graph.
import type { Numeric } from './rows.js';

/** Largest finite float16 value: beyond it a tensor would overflow in half precision. */
export const FP16_MAX = 65504;

export interface NonFinite {
	nan: number;
	posInf: number;
	negInf: number;
}

export function countNonFinite(x: Numeric): NonFinite {
	let nan = 0, posInf = 0, negInf = 0;
	for (let i = 0; i < x.length; i++) {
		const v = x[i];
		if (v !== v) nan++;
		else if (v === Infinity) posInf++;
		else if (v === -Infinity) negInf++;
	}
	return { nan, posInf, negInf };
}

/** Finite values with |x| > 65504. */
export function countFp16Overflow(x: Numeric): number {
	let n = 0;
	for (let i = 0; i < x.length; i++) {
		const v = x[i];
		if (v === v && Math.abs(v) > FP16_MAX && Number.isFinite(v)) n++;
	}
	return n;
}

/** Rows (of `cols` entries) that are entirely zero: a softmax never yields one. */
export function zeroRows(x: Numeric, cols: number): number[] {
	const out: number[] = [];
	for (let r = 0; r * cols < x.length; r++) {
		let allZero = true;
		for (let j = 0; j < cols && allZero; j++) if (x[r * cols + j] !== 0) allZero = false;
		if (allZero) out.push(r);
	}
	return out;
}
