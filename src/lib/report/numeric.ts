// Captured tensors as plain float arrays for the statistics (float16 bits decoded once).
import { halfToFloat } from '../onnx/tensor.js';
import type { CapturedTensor } from '../tensor/store.js';

export type FloatArray = Float32Array | Float64Array;

const FLOATS = new Set(['float32', 'float64', 'float16', 'bfloat16']);

export function isFloat(t: CapturedTensor): boolean {
	return FLOATS.has(t.dtype);
}

/** The tensor's values as floats, or null for integer and bool tensors (they cannot be NaN/Inf). */
export function floatsOf(t: CapturedTensor): FloatArray | null {
	if (t.dtype === 'float32' || t.dtype === 'float64') return t.data as FloatArray;
	if (t.dtype === 'float16') return Float32Array.from(t.data as Uint16Array, halfToFloat);
	if (t.dtype === 'bfloat16') {
		const bits = new Uint32Array((t.data as Uint16Array).length);
		(t.data as Uint16Array).forEach((h, i) => (bits[i] = h << 16));
		return new Float32Array(bits.buffer);
	}
	return null;
}

/** Row-major flat index -> multi-index. */
export function unravel(flat: number, dims: readonly number[]): number[] {
	const idx = new Array<number>(dims.length).fill(0);
	for (let k = dims.length - 1; k >= 0 && flat > 0; k--) {
		const d = dims[k] || 1;
		idx[k] = flat % d;
		flat = Math.floor(flat / d);
	}
	return idx;
}

/**
 * Which axis holds the tokens (queries for an attention pattern), given the sequence length: the
 * second-to-last axis when it has `seq` entries ([B,S,D], [B,H,S,S], [H,S,S]), else the first
 * axis of that size before the last ([B,S,H,Dh]). null when the layout does not say.
 */
export function tokenAxis(dims: readonly number[], seq: number | null | undefined): number | null {
	if (!seq || dims.length < 2) return null;
	if (dims[dims.length - 2] === seq) return dims.length - 2;
	for (let k = 0; k < dims.length - 1; k++) if (dims[k] === seq) return k;
	return null;
}
