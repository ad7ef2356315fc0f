// TensorProto -> typed arrays. Used for constants the analysis reads (eps, axes, alpha) and for
// initializers the tests check; never on the inference path (ORT reads the bytes itself).
import { TensorProto_DataLocation, type TensorProto } from './gen/onnx_pb.js';
import { dtypeName, elementValue, type DType } from './dtype.js';

export type NumericArray =
	| Float32Array
	| Float64Array
	| Int8Array
	| Uint8Array
	| Int16Array
	| Uint16Array
	| Int32Array
	| Uint32Array
	| BigInt64Array
	| BigUint64Array;

export function tensorDims(t: TensorProto): number[] {
	return t.dims.map((d) => Number(d));
}

/** Element count; NaN when a dim is negative or the count is not a safe integer (a broken model). */
export function tensorSize(t: TensorProto): number {
	const n = tensorDims(t).reduce((a, b) => (b < 0 ? NaN : a * b), 1);
	return Number.isSafeInteger(n) ? n : NaN;
}

export function isExternal(t: TensorProto): boolean {
	return t.dataLocation === TensorProto_DataLocation.EXTERNAL;
}

// Weights whose bytes were let go of once ORT had its own copy (detach.ts): no values to read.
const dropped = new WeakSet<TensorProto>();
export function markDropped(t: TensorProto): void {
	dropped.add(t);
}
export function isDropped(t: TensorProto): boolean {
	return dropped.has(t);
}

/** Decode a tensor's values. Returns null for external data, dropped weights, strings and unsupported types. */
export function tensorArray(t: TensorProto): NumericArray | null {
	if (isExternal(t) || dropped.has(t)) return null;
	const dtype = dtypeName(t.dataType);
	const n = tensorSize(t);
	if (Number.isNaN(n)) return null;
	const raw = t.rawData;
	if (raw && raw.byteLength > 0) return fromRaw(dtype, raw, n);
	switch (dtype) {
		case 'float32':
			return Float32Array.from(t.floatData);
		case 'float64':
			return Float64Array.from(t.doubleData);
		case 'int64':
			return BigInt64Array.from(t.int64Data);
		case 'uint64':
			return BigUint64Array.from(t.uint64Data);
		case 'int32':
			return Int32Array.from(t.int32Data);
		case 'int8':
			return Int8Array.from(t.int32Data);
		case 'uint8':
		case 'bool':
			return Uint8Array.from(t.int32Data);
		case 'int16':
			return Int16Array.from(t.int32Data);
		case 'uint16':
		case 'float16':
		case 'bfloat16':
			return Uint16Array.from(t.int32Data);
		case 'uint32':
			return Uint32Array.from(t.uint64Data.map(Number));
		default:
			return null;
	}
}

function fromRaw(dtype: DType, raw: Uint8Array, n: number): NumericArray | null {
	// Copy into an aligned buffer: raw_data is a view at an arbitrary offset of the file.
	// (new Uint8Array(view) copies; Node's Buffer#slice would return a view of the whole file.)
	const buf = new Uint8Array(raw).buffer;
	switch (dtype) {
		case 'float32':
			return new Float32Array(buf, 0, Math.min(n, raw.byteLength >> 2));
		case 'float64':
			return new Float64Array(buf, 0, Math.min(n, raw.byteLength >> 3));
		case 'int64':
			return new BigInt64Array(buf, 0, Math.min(n, raw.byteLength >> 3));
		case 'uint64':
			return new BigUint64Array(buf, 0, Math.min(n, raw.byteLength >> 3));
		case 'int32':
			return new Int32Array(buf, 0, Math.min(n, raw.byteLength >> 2));
		case 'uint32':
			return new Uint32Array(buf, 0, Math.min(n, raw.byteLength >> 2));
		case 'int16':
			return new Int16Array(buf, 0, Math.min(n, raw.byteLength >> 1));
		case 'uint16':
		case 'float16':
		case 'bfloat16':
			return new Uint16Array(buf, 0, Math.min(n, raw.byteLength >> 1));
		case 'int8':
			return new Int8Array(buf, 0, Math.min(n, raw.byteLength));
		case 'uint8':
		case 'bool':
			return new Uint8Array(buf, 0, Math.min(n, raw.byteLength));
		default:
			return null;
	}
}

/** Small constants as plain numbers (16-bit floats decoded); null if not decodable. */
export function tensorNumbers(t: TensorProto): number[] | null {
	const a = tensorArray(t);
	if (!a) return null;
	const dtype = dtypeName(t.dataType);
	return Array.from(a as ArrayLike<number | bigint>, (v) => elementValue(v, dtype));
}

/** Kept here too for older imports; decoding lives in dtype.ts. */
export { halfToFloat } from './dtype.js';
