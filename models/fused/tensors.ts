// Initializers of any element type, for fixtures of ORT's fused and quantized ops (build.ts has
// float32, int64 and bool only): raw little-endian bytes, plus float16 rounding.
import { create } from '@bufbuild/protobuf';
import { TensorProtoSchema, TensorProto_DataType as DT, type TensorProto } from '../../src/lib/onnx/gen/onnx_pb.js';
import { halfToFloat } from '../../src/lib/onnx/index.js';

function raw(name: string, dims: number[], dataType: DT, bytes: ArrayBufferView): TensorProto {
	const copy = new Uint8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
	return create(TensorProtoSchema, { name, dims: dims.map(BigInt), dataType, rawData: copy });
}

export const tensorU8 = (name: string, dims: number[], data: ArrayLike<number>) => raw(name, dims, DT.UINT8, Uint8Array.from(data));
export const tensorI8 = (name: string, dims: number[], data: ArrayLike<number>) => raw(name, dims, DT.INT8, Int8Array.from(data));
export const tensorI32 = (name: string, dims: number[], data: ArrayLike<number>) => raw(name, dims, DT.INT32, Int32Array.from(data));
export const tensorF16 = (name: string, dims: number[], data: ArrayLike<number>) =>
	raw(name, dims, DT.FLOAT16, Uint16Array.from(data, toHalf));

/** float -> IEEE half bits, round to nearest even (what numpy's astype(float16) does). */
export function toHalf(x: number): number {
	const f = new Float32Array([x]);
	const u = new Uint32Array(f.buffer)[0];
	const sign = (u >>> 16) & 0x8000;
	const exp = (u >>> 23) & 0xff;
	let mant = u & 0x7fffff;
	if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
	const e = exp - 127 + 15;
	if (e >= 0x1f) return sign | 0x7c00;
	if (e <= 0) {
		if (e < -10) return sign;
		mant |= 0x800000;
		const shift = 14 - e;
		let h = mant >> shift;
		const rem = mant & ((1 << shift) - 1);
		const half = 1 << (shift - 1);
		if (rem > half || (rem === half && h & 1)) h++;
		return sign | h;
	}
	let h = (e << 10) | (mant >> 13);
	const rem = mant & 0x1fff;
	if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++;
	return sign | h;
}

/** The float16 value nearest to x, as a number. */
export const roundHalf = (x: number): number => halfToFloat(toHalf(x));

export { DT };
