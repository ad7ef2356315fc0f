// min / max / mean of a captured tensor over its finite values, and how many are not finite: the
// tensor list's numbers (computed in the worker, once per run) and the CLI summary's table.
import { numericData, type CapturedTensor } from '../tensor/index.js';
import { scanValues } from '../stats/index.js';

export interface TensorSummary {
	min: number;
	max: number;
	mean: number;
	/** Count of NaN and +-Inf values (the three counts below together). */
	nonFinite: number;
	nan: number;
	posInf: number;
	/** -Inf: in masked scores this is the mask itself, not a fault. */
	negInf: number;
}

/** min, max and mean are NaN when no value is finite. */
export function summarize(t: Pick<CapturedTensor, 'dtype' | 'data'>): TensorSummary {
	const s = scanValues(numericData(t));
	const counts = { nonFinite: s.nan + s.posInf + s.negInf, nan: s.nan, posInf: s.posInf, negInf: s.negInf };
	return s.finite ? { min: s.min, max: s.max, mean: s.sum / s.finite, ...counts } : { min: NaN, max: NaN, mean: NaN, ...counts };
}
