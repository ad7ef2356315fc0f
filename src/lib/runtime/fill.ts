// Seeded values for a model input, by its name and dtype (inputs.ts decides the shapes). The same
// seed and input name give the same bytes in the page and the CLI.
import { ModelError, floatToBf16, floatToHalf, type DType, type ValueInfo } from '../onnx/index.js';
import { integers, normal } from '../stats/index.js';
import type { TensorData } from '../tensor/index.js';

/** Special int/bool inputs recognised by name. */
export function roleOf(name: string): 'mask' | 'positions' | 'types' | null {
	const n = name.toLowerCase();
	if (/mask/.test(n)) return 'mask';
	if (/position/.test(n)) return 'positions';
	if (/token_type|segment/.test(n)) return 'types';
	return null;
}

/** Seeded values for input `v` of these dims: ones for masks, zeros for token types and bools, positions, ids in [0, idRange), else normal floats. */
export function fill(v: ValueInfo, dims: number[], seed: number, idRange: number): TensorData {
	const n = dims.reduce((a, b) => a * b, 1);
	const s = streamSeed(seed, v.name);
	const role = roleOf(v.name);
	if (v.dtype === 'string' || v.dtype === 'unknown')
		throw new ModelError(`Input "${v.name}" has type ${v.dtype}; only numeric and bool inputs are supported.`);
	// A mask of ones attends everywhere; as an additive float mask it shifts every logit equally,
	// which leaves softmax unchanged, so ones are right for both conventions.
	if (role === 'mask') return constant(v.dtype, n, 1);
	if (role === 'types' || v.dtype === 'bool') return constant(v.dtype, n, 0);
	if (role === 'positions' && isInt(v.dtype)) {
		const last = dims[dims.length - 1] ?? 1;
		return cast(
			BigInt64Array.from({ length: n }, (_, i) => BigInt(i % last)),
			v.dtype
		);
	}
	if (isInt(v.dtype)) {
		const hi = Math.min(idRange, maxOf(v.dtype));
		const r = integers(s, 0, hi);
		return cast(
			BigInt64Array.from({ length: n }, () => BigInt(r())),
			v.dtype
		);
	}
	const r = normal(s);
	const vals = Float64Array.from({ length: n }, () => r());
	switch (v.dtype) {
		case 'float64':
			return vals;
		case 'float16':
			return Uint16Array.from(vals, floatToHalf);
		case 'bfloat16':
			return Uint16Array.from(vals, floatToBf16);
		default:
			return Float32Array.from(vals);
	}
}

function constant(dtype: DType, n: number, value: 0 | 1): TensorData {
	switch (dtype) {
		case 'float32':
			return new Float32Array(n).fill(value);
		case 'float64':
			return new Float64Array(n).fill(value);
		case 'float16':
			return new Uint16Array(n).fill(value ? 0x3c00 : 0);
		case 'bfloat16':
			return new Uint16Array(n).fill(value ? 0x3f80 : 0);
		default:
			return cast(new BigInt64Array(n).fill(BigInt(value)), dtype);
	}
}

export function isInt(dtype: DType): boolean {
	return /^u?int/.test(dtype);
}

function maxOf(dtype: DType): number {
	const bits = Number(/(\d+)$/.exec(dtype)?.[1] ?? 64);
	return bits >= 32 ? 2 ** 31 - 1 : 2 ** (dtype.startsWith('u') ? bits : bits - 1);
}

/** int64 values -> the input's integer (or bool) array type. */
export function cast(v: BigInt64Array, dtype: DType): TensorData {
	switch (dtype) {
		case 'int64':
			return v;
		case 'uint64':
			return BigUint64Array.from(v, (x) => BigInt.asUintN(64, x));
		case 'int32':
			return Int32Array.from(v, Number);
		case 'uint32':
			return Uint32Array.from(v, Number);
		case 'int16':
			return Int16Array.from(v, Number);
		case 'uint16':
			return Uint16Array.from(v, Number);
		case 'int8':
			return Int8Array.from(v, Number);
		default:
			return Uint8Array.from(v, Number); // uint8, bool
	}
}

/** Per-input seed: depends on the seed and the input's name, not on how many inputs come before. */
export function streamSeed(seed: number, name: string): number {
	let h = (seed ^ 0x811c9dc5) >>> 0; // FNV-1a over the name, started from the seed
	for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
	return h;
}
