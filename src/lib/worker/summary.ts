// min / max / mean of a captured tensor over its finite values, and how many are not finite.
// Computed in the worker, once per run, so the tensor list only prints them.
import { halfToFloat } from '../onnx/tensor.js';
import type { CapturedTensor } from '../tensor/store.js';
import type { TensorSummary } from './protocol.js';

const bits = new Uint32Array(1);
const asFloat = new Float32Array(bits.buffer);
function bf16(h: number): number {
	bits[0] = h << 16;
	return asFloat[0];
}

export function summarize(t: Pick<CapturedTensor, 'dtype' | 'data'>): TensorSummary {
	const d = t.data as ArrayLike<number | bigint>;
	const half = t.dtype === 'float16';
	const brain = t.dtype === 'bfloat16';
	let min = Infinity;
	let max = -Infinity;
	let sum = 0;
	let n = 0;
	let nan = 0;
	let posInf = 0;
	let negInf = 0;
	for (let i = 0; i < d.length; i++) {
		const raw = d[i];
		const v = half ? halfToFloat(raw as number) : brain ? bf16(raw as number) : Number(raw);
		if (!Number.isFinite(v)) {
			if (v === Infinity) posInf++;
			else if (v === -Infinity) negInf++;
			else nan++;
			continue;
		}
		if (v < min) min = v;
		if (v > max) max = v;
		sum += v;
		n++;
	}
	const counts = { nonFinite: nan + posInf + negInf, nan, posInf, negInf };
	return n ? { min, max, mean: sum / n, ...counts } : { min: NaN, max: NaN, mean: NaN, ...counts };
}
