// Captured tensors as numbers for drawing, and each value as text for the readout. Painting needs
// plain numbers (int64 arrives as BigInt64Array, float16 as raw bits); the readout prints the value
// exactly as stored: String() of the float32 (or int) read from the tensor's own array.
import { halfToFloat } from '../onnx/tensor.js';
import type { CapturedTensor } from '../tensor/store.js';

type Held = Pick<CapturedTensor, 'dtype' | 'data'>;

function bf16ToFloat(h: number): number {
	const f = new Float32Array(new Uint32Array([h << 16]).buffer);
	return f[0];
}

/** Numbers to paint from (the tensor's own array when it already holds numbers; else one copy). */
export function numericData(t: Held): ArrayLike<number> {
	const d = t.data;
	if (d instanceof BigInt64Array || d instanceof BigUint64Array) return Float64Array.from(d, Number);
	if (t.dtype === 'float16') return Float32Array.from(d as Uint16Array, halfToFloat);
	if (t.dtype === 'bfloat16') return Float32Array.from(d as Uint16Array, bf16ToFloat);
	return d as ArrayLike<number>;
}

/** The value at flat index i as text: String(float32) for float32, exact for int64. */
export function valueText(t: Held, i: number): string {
	const v = (t.data as ArrayLike<number | bigint>)[i];
	if (t.dtype === 'float16') return String(halfToFloat(v as number));
	if (t.dtype === 'bfloat16') return String(bf16ToFloat(v as number));
	return String(v);
}

/** Short, fixed-width-ish display of a statistic (the readout's data-value stays exact). */
export function fmt(v: number, digits = 4): string {
	if (Number.isNaN(v)) return 'NaN';
	if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
	if (v === 0) return '0';
	const a = Math.abs(v);
	return a >= 1e5 || a < 1e-3 ? v.toExponential(digits - 1) : String(Number(v.toPrecision(digits)));
}
