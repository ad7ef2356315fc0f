// NumPy .npy files <-> tensors, so captures can be checked in Python (`numpy.load`) and inputs can
// come from it. Pure: bytes in, bytes out (the CLI does the file I/O).
// Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
import type { DType } from '../onnx/dtype.js';
import type { TensorData } from '../tensor/store.js';

export class NpyError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'NpyError';
	}
}

export interface NpyArray {
	dims: number[];
	dtype: DType;
	data: TensorData;
}

// Our dtype -> NumPy descr (little-endian). bfloat16 has no NumPy dtype: it is written as its raw
// uint16 bits ('<u2'), so a manifest must carry the true dtype next to such a file.
const DESCR: Partial<Record<DType, string>> = {
	float32: '<f4',
	float64: '<f8',
	float16: '<f2',
	bfloat16: '<u2',
	int8: '|i1',
	uint8: '|u1',
	int16: '<i2',
	uint16: '<u2',
	int32: '<i4',
	uint32: '<u4',
	int64: '<i8',
	uint64: '<u8',
	bool: '|b1'
};

// NumPy kind+size -> our dtype (byte order handled separately).
const FROM_DESCR: Record<string, DType> = {
	f4: 'float32',
	f8: 'float64',
	f2: 'float16',
	i1: 'int8',
	u1: 'uint8',
	i2: 'int16',
	u2: 'uint16',
	i4: 'int32',
	u4: 'uint32',
	i8: 'int64',
	u8: 'uint64',
	b1: 'bool'
};

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

export function npyDescr(dtype: DType): string | null {
	return DESCR[dtype] ?? null;
}

/** A tensor as a version 1.0 .npy file (C order, little-endian; header padded to 64 bytes as NumPy does). */
export function encodeNpy(t: NpyArray): Uint8Array {
	const [header, body] = npyParts(t);
	const out = new Uint8Array(header.byteLength + body.byteLength);
	out.set(header, 0);
	out.set(body, header.byteLength);
	return out;
}

/** The .npy file as [magic + header, a view of the tensor's own bytes]: archives write both without joining them. */
export function npyParts(t: NpyArray): [Uint8Array, Uint8Array] {
	const descr = DESCR[t.dtype];
	if (!descr) throw new NpyError(`Cannot write a ${t.dtype} tensor as .npy.`);
	const count = t.dims.reduce((a, b) => a * b, 1);
	if (count !== t.data.length)
		throw new NpyError(`Tensor data has ${t.data.length} elements, but dims [${t.dims.join(', ')}] need ${count}.`);
	const shape = t.dims.length === 1 ? `(${t.dims[0]},)` : `(${t.dims.join(', ')})`;
	let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
	const unpadded = MAGIC.length + 4 + header.length + 1; // + '\n'
	header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
	if (header.length > 0xffff) throw new NpyError('The .npy header is too long for format 1.0.');
	const head = new Uint8Array(MAGIC.length + 4 + header.length);
	head.set(MAGIC, 0);
	head[6] = 1; // major
	head[7] = 0; // minor
	head[8] = header.length & 0xff;
	head[9] = header.length >> 8;
	for (let i = 0; i < header.length; i++) head[10 + i] = header.charCodeAt(i);
	return [head, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)];
}

/**
 * A .npy file (format 1.x, 2.x or 3.x) as a tensor. Data is a view into `bytes` when it is aligned
 * and little-endian, else a copy. Fortran-order arrays are reordered to C order.
 */
export function decodeNpy(bytes: Uint8Array): NpyArray {
	if (bytes.byteLength < 10 || MAGIC.some((b, i) => bytes[i] !== b))
		throw new NpyError('Not a NumPy .npy file (the magic bytes are missing).');
	const major = bytes[6];
	if (major < 1 || major > 3) throw new NpyError(`Unsupported .npy format version ${major}.${bytes[7]}.`);
	const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const lenSize = major === 1 ? 2 : 4;
	if (bytes.byteLength < 8 + lenSize) throw new NpyError('The .npy file is truncated.');
	const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
	const start = 8 + lenSize + headerLen;
	if (start > bytes.byteLength) throw new NpyError('The .npy file is truncated (header).');
	const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(8 + lenSize, start));
	const { descr, fortran, dims } = parseHeader(header);

	const order = descr[0];
	const code = descr.slice(1);
	const dtype = FROM_DESCR[code];
	if (!dtype || !'<>|='.includes(order))
		throw new NpyError(`Unsupported .npy dtype '${descr}' (supported: float16/32/64, int8..int64, uint8..uint64, bool).`);
	const size = Number(code[1]);
	const count = dims.reduce((a, b) => a * b, 1);
	const byteLen = count * size;
	if (start + byteLen > bytes.byteLength)
		throw new NpyError(
			`The .npy file is truncated: shape (${dims.join(', ')}) needs ${byteLen} data bytes, it has ${bytes.byteLength - start}.`
		);

	let raw = bytes.subarray(start, start + byteLen);
	if (order === '>' && size > 1) raw = byteSwapped(raw, size);
	else if (raw.byteOffset % size !== 0) raw = raw.slice(); // typed arrays need aligned offsets
	let data = view(dtype, raw, count);
	if (fortran && dims.length > 1) data = fortranToC(data, dims);
	return { dims, dtype, data };
}

function parseHeader(header: string): { descr: string; fortran: boolean; dims: number[] } {
	// The header is a Python dict literal; NumPy writes these three keys in this shape.
	const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
	const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
	const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
	if (descr === undefined || fortran === undefined || shape === undefined) {
		if (/'descr'\s*:\s*\[/.test(header)) throw new NpyError('Structured (record) .npy arrays are not supported.');
		throw new NpyError('The .npy header is malformed.');
	}
	const dims = shape
		.split(',')
		.map((s) => s.trim())
		.filter((s) => s !== '')
		.map((s) => {
			const n = Number(s.replace(/L$/, ''));
			if (!Number.isInteger(n) || n < 0) throw new NpyError(`The .npy header has a bad shape (${shape}).`);
			return n;
		});
	return { descr, fortran: fortran === 'True', dims };
}

function byteSwapped(raw: Uint8Array, size: number): Uint8Array {
	const out = new Uint8Array(raw.byteLength);
	for (let i = 0; i < raw.byteLength; i += size) for (let j = 0; j < size; j++) out[i + j] = raw[i + size - 1 - j];
	return out;
}

function view(dtype: DType, raw: Uint8Array, n: number): TensorData {
	const b = raw.buffer as ArrayBuffer;
	const o = raw.byteOffset;
	switch (dtype) {
		case 'float32':
			return new Float32Array(b, o, n);
		case 'float64':
			return new Float64Array(b, o, n);
		case 'int64':
			return new BigInt64Array(b, o, n);
		case 'uint64':
			return new BigUint64Array(b, o, n);
		case 'int32':
			return new Int32Array(b, o, n);
		case 'uint32':
			return new Uint32Array(b, o, n);
		case 'int16':
			return new Int16Array(b, o, n);
		case 'uint16':
		case 'float16':
			return new Uint16Array(b, o, n);
		case 'int8':
			return new Int8Array(b, o, n);
		default:
			return new Uint8Array(b, o, n); // uint8, bool
	}
}

/** Column-major (first index fastest) -> row-major. */
function fortranToC(src: TensorData, dims: number[]): TensorData {
	const out = new (src.constructor as new (n: number) => TensorData)(src.length);
	const rank = dims.length;
	const fStride = new Array<number>(rank);
	fStride[0] = 1;
	for (let k = 1; k < rank; k++) fStride[k] = fStride[k - 1] * dims[k - 1];
	const idx = new Array<number>(rank).fill(0);
	for (let c = 0; c < src.length; c++) {
		let f = 0;
		for (let k = 0; k < rank; k++) f += idx[k] * fStride[k];
		(out as unknown as unknown[])[c] = src[f];
		for (let k = rank - 1; k >= 0; k--) {
			if (++idx[k] < dims[k]) break;
			idx[k] = 0;
		}
	}
	return out;
}
