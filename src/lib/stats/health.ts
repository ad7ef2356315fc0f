// Numeric health of one array in one pass (seed-notes: softmax rows; fp16 range): NaN and
// infinities counted apart, min/max/sum over the finite values, values beyond float16's range.
// Which tensors are masks, and which counts matter, is decided by the caller that knows the graph.
import type { Numeric } from './rows.js';

/** Largest finite float16 value: beyond it a tensor would overflow in half precision. */
export const FP16_MAX = 65504;

export interface ValueScan {
	/** Finite values, and their min, max and sum (min Infinity, max -Infinity when there are none). */
	finite: number;
	min: number;
	max: number;
	sum: number;
	nan: number;
	posInf: number;
	negInf: number;
	/** Finite values above FP16_MAX, and below -FP16_MAX. */
	overPos: number;
	overNeg: number;
}

export function scanValues(x: Numeric): ValueScan {
	let finite = 0,
		min = Infinity,
		max = -Infinity,
		sum = 0;
	let nan = 0,
		posInf = 0,
		negInf = 0,
		overPos = 0,
		overNeg = 0;
	for (let i = 0; i < x.length; i++) {
		const v = x[i];
		if (v !== v) nan++;
		else if (v === Infinity) posInf++;
		else if (v === -Infinity) negInf++;
		else {
			finite++;
			sum += v;
			if (v < min) min = v;
			if (v > max) max = v;
			if (v > FP16_MAX) overPos++;
			else if (v < -FP16_MAX) overNeg++;
		}
	}
	return { finite, min, max, sum, nan, posInf, negInf, overPos, overNeg };
}
