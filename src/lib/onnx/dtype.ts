// ONNX element types as the rest of the app names them (the names onnxruntime-web uses), and the
// decoding of the 16-bit floats (kept as raw bits everywhere else: JS has no float16 array).
import { TensorProto_DataType as DT } from './gen/onnx_pb.js';

export type DType =
	| 'float32'
	| 'float16'
	| 'float64'
	| 'bfloat16'
	| 'int8'
	| 'uint8'
	| 'int16'
	| 'uint16'
	| 'int32'
	| 'uint32'
	| 'int64'
	| 'uint64'
	| 'bool'
	| 'string'
	| 'unknown';

const BY_CODE: Record<number, DType> = {
	[DT.FLOAT]: 'float32',
	[DT.FLOAT16]: 'float16',
	[DT.DOUBLE]: 'float64',
	[DT.BFLOAT16]: 'bfloat16',
	[DT.INT8]: 'int8',
	[DT.UINT8]: 'uint8',
	[DT.INT16]: 'int16',
	[DT.UINT16]: 'uint16',
	[DT.INT32]: 'int32',
	[DT.UINT32]: 'uint32',
	[DT.INT64]: 'int64',
	[DT.UINT64]: 'uint64',
	[DT.BOOL]: 'bool',
	[DT.STRING]: 'string'
};

export function dtypeName(code: number): DType {
	return BY_CODE[code] ?? 'unknown';
}

export function dtypeCode(name: DType): number {
	for (const [code, n] of Object.entries(BY_CODE)) if (n === name) return Number(code);
	return DT.UNDEFINED;
}

/** Bytes per element, or 0 where not fixed (string, unknown). */
export function dtypeSize(name: DType): number {
	switch (name) {
		case 'float64':
		case 'int64':
		case 'uint64':
			return 8;
		case 'float32':
		case 'int32':
		case 'uint32':
			return 4;
		case 'float16':
		case 'bfloat16':
		case 'int16':
		case 'uint16':
			return 2;
		case 'int8':
		case 'uint8':
		case 'bool':
			return 1;
		default:
			return 0;
	}
}

/** IEEE half-precision bits -> number. */
export function halfToFloat(h: number): number {
	const s = h & 0x8000 ? -1 : 1;
	const e = (h >> 10) & 0x1f;
	const f = h & 0x3ff;
	if (e === 0) return s * f * 2 ** -24;
	if (e === 31) return f ? NaN : s * Infinity;
	return s * (1 + f / 1024) * 2 ** (e - 15);
}

const word = new Uint32Array(1);
const wordAsFloat = new Float32Array(word.buffer);

/** bfloat16 bits (the upper half of a float32) -> number. */
export function bf16ToFloat(h: number): number {
	word[0] = h << 16;
	return wordAsFloat[0];
}

/** A 16-bit float tensor's raw bits as float32 values (one copy; float32 holds every such value exactly). */
export function decodeFloat16(bits: ArrayLike<number>, dtype: 'float16' | 'bfloat16'): Float32Array {
	return Float32Array.from(bits, dtype === 'float16' ? halfToFloat : bf16ToFloat);
}

/** One stored element as a number: 16-bit float bits decoded, 64-bit integers through Number(). */
export function elementValue(v: number | bigint, dtype: DType): number {
	if (dtype === 'float16') return halfToFloat(v as number);
	if (dtype === 'bfloat16') return bf16ToFloat(v as number);
	return Number(v);
}

/** float -> IEEE half bits (via float32), round to nearest even. */
export function floatToHalf(x: number): number {
	const f = new Float32Array(1);
	const u = new Uint32Array(f.buffer);
	f[0] = x;
	const b = u[0];
	const sign = (b >>> 16) & 0x8000;
	const exp = (b >>> 23) & 0xff;
	let mant = b & 0x7fffff;
	if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
	const e = exp - 127 + 15;
	if (e >= 0x1f) return sign | 0x7c00;
	if (e <= 0) {
		if (e < -10) return sign;
		mant |= 0x800000;
		const shift = 14 - e;
		const half = mant >>> shift;
		const rem = mant & ((1 << shift) - 1);
		const mid = 1 << (shift - 1);
		return sign | (half + (rem > mid || (rem === mid && half & 1) ? 1 : 0));
	}
	const half = (e << 10) | (mant >>> 13);
	const rem = mant & 0x1fff;
	return sign | (half + (rem > 0x1000 || (rem === 0x1000 && half & 1) ? 1 : 0));
}

/** float -> bfloat16 bits (the upper half of the float32), round to nearest even. */
export function floatToBf16(x: number): number {
	const f = new Float32Array([x]);
	const b = new Uint32Array(f.buffer)[0];
	return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
}
