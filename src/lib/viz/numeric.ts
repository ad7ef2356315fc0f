// Captured tensors as numbers for drawing, and each value as text for the readout. Painting needs
// plain numbers (int64 arrives as BigInt64Array, float16 as raw bits); the readout prints the value
// exactly as stored: String() of the float32 (or int) read from the tensor's own array.
import { elementValue } from '../onnx/index.js';
import type { CapturedTensor } from '../tensor/index.js';

export { numericData } from '../tensor/index.js';

/** The value at flat index i as text: String(float32) for float32, exact for int64. */
export function valueText(t: Pick<CapturedTensor, 'dtype' | 'data'>, i: number): string {
	const v = (t.data as ArrayLike<number | bigint>)[i];
	return t.dtype === 'float16' || t.dtype === 'bfloat16' ? String(elementValue(v, t.dtype)) : String(v);
}

/** Short, fixed-width-ish display of a statistic (the readout's data-value stays exact). */
export function fmt(v: number, digits = 4): string {
	if (Number.isNaN(v)) return 'NaN';
	if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
	if (v === 0) return '0';
	const a = Math.abs(v);
	return a >= 1e5 || a < 1e-3 ? v.toExponential(digits - 1) : String(Number(v.toPrecision(digits)));
}

/** A value's text rounded for reading (4 significant digits); integers and non-finite text stay as they are. */
export function roundedText(text: string): string {
	const v = Number(text);
	return Number.isFinite(v) && !Number.isInteger(v) ? fmt(v) : text;
}
