// Initializers of any element type, for fixtures of ORT's fused and quantized ops (build.ts has
// float32, int64 and bool only): raw little-endian bytes, plus float16 rounding.
import { create } from '@bufbuild/protobuf';
import { TensorProtoSchema, TensorProto_DataType as DT, type TensorProto } from '../../src/lib/onnx/gen/onnx_pb.js';
import { floatToHalf, halfToFloat } from '../../src/lib/onnx/index.js';

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
export const toHalf = floatToHalf;

/** The float16 value nearest to x, as a number. */
export const roundHalf = (x: number): number => halfToFloat(toHalf(x));

export { DT };
