// Captured tensors as plain numbers for statistics and drawing: 16-bit float bits decoded (one
// copy), 64-bit integers as float64, everything else the tensor's own array (no copy).
import { decodeFloat16 } from '../onnx/index.js';
import type { CapturedTensor } from './store.js';

export type FloatArray = Float32Array | Float64Array;

type Held = Pick<CapturedTensor, 'dtype' | 'data'>;

/** The tensor's values as floats, or null for integer and bool tensors (they cannot be NaN/Inf). */
export function floatsOf(t: Held): FloatArray | null {
	if (t.dtype === 'float32' || t.dtype === 'float64') return t.data as FloatArray;
	if (t.dtype === 'float16' || t.dtype === 'bfloat16') return decodeFloat16(t.data as Uint16Array, t.dtype);
	return null;
}

/** Any numeric tensor's values as numbers (floats as floatsOf gives them; int64 through Number()). */
export function numericData(t: Held): ArrayLike<number> {
	const f = floatsOf(t);
	if (f) return f;
	const d = t.data;
	return d instanceof BigInt64Array || d instanceof BigUint64Array ? Float64Array.from(d, Number) : (d as ArrayLike<number>);
}
