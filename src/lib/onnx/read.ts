// bytes -> ModelProto. Weights stay views into the caller's buffer (no copy).
// Whatever the bytes are, the result is a ModelProto or a ModelError that says what the file is
// (an image, an archive, a Git LFS pointer, a truncated model ...) in words a user can act on.
import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, type ModelProto } from './gen/onnx_pb.js';
import { ModelError, displayName } from './errors.js';

const CHOOSE = 'Choose an .onnx model file.';

/** File formats people pick by mistake, by their first bytes. */
const SIGNATURES: { at: number; bytes: number[]; what: string; hint?: string }[] = [
	{ at: 0, bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
	{ at: 0, bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
	{ at: 0, bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
	{ at: 0, bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document' },
	{ at: 0, bytes: [0x1f, 0x8b], what: 'a gzip archive', hint: 'Decompress it first; the .onnx file is inside.' },
	{
		at: 0,
		bytes: [0x50, 0x4b, 0x03, 0x04],
		what: 'a ZIP archive (a PyTorch checkpoint or a zipped model)',
		hint: 'Export the model to ONNX (torch.onnx.export), or unzip it first.'
	},
	{ at: 0, bytes: [0x89, 0x48, 0x44, 0x46], what: 'an HDF5 file (a Keras model)', hint: 'Convert it to ONNX first (tf2onnx).' },
	{
		at: 0,
		bytes: [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59],
		what: 'a NumPy .npy array',
		hint: 'Arrays are inputs (inspect --input NAME=FILE.npy); the model is the .onnx file.'
	},
	{
		at: 4,
		bytes: [0x4f, 0x52, 0x54, 0x4d],
		what: 'an ONNX Runtime .ort file (ORT format)',
		hint: 'Use the .onnx model it was converted from.'
	},
	{ at: 4, bytes: [0x54, 0x46, 0x4c, 0x33], what: 'a TensorFlow Lite model', hint: 'Convert it to ONNX first (tf2onnx).' }
];

export function readModel(bytes: Uint8Array): ModelProto {
	if (bytes.byteLength === 0) throw new ModelError('The file is empty (0 bytes).', CHOOSE);
	const known = identify(bytes);
	if (known) throw known;
	let model: ModelProto;
	try {
		model = fromBinary(ModelProtoSchema, bytes, { readUnknownFields: true });
	} catch (e) {
		const why = String((e as Error)?.message ?? e);
		if (/premature EOF/i.test(why))
			throw new ModelError(
				`Not a readable ONNX model: the data ends in the middle of a field after ${bytes.byteLength} bytes, so the file is truncated (an interrupted download or copy) or is not ONNX.`,
				'Check that the file is a complete .onnx export.'
			);
		throw new ModelError(
			`Not a readable ONNX model: the protobuf data is malformed (${displayName(why, 120)}), so the file is damaged or is not ONNX.`,
			'Check that the file is a complete .onnx export.'
		);
	}
	if (!model.graph || (model.graph.node.length === 0 && model.graph.output.length === 0))
		throw new ModelError(
			bytes.byteLength < 64 && !model.graph
				? `Not an ONNX model: ${bytes.byteLength} bytes with no graph (a truncated file?).`
				: 'Not an ONNX model: the file has no graph.',
			CHOOSE
		);
	return model;
}

/** A ModelError naming the format when the bytes are a well-known non-ONNX file; null otherwise. */
export function identify(bytes: Uint8Array): ModelError | null {
	for (const s of SIGNATURES)
		if (bytes.byteLength >= s.at + s.bytes.length && s.bytes.every((b, k) => bytes[s.at + k] === b))
			return new ModelError(`This is ${s.what}, not an ONNX model.`, s.hint ?? CHOOSE);
	const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 256));
	if (head.startsWith('version https://git-lfs'))
		return new ModelError(
			'This is a Git LFS pointer (a small text file standing in for the model), not the model itself.',
			'Fetch the real file: git lfs pull.'
		);
	// safetensors: an 8-byte little-endian header length, then a JSON header.
	if (bytes.byteLength > 10 && bytes[8] === 0x7b && bytes[9] === 0x22 && bytes[6] === 0 && bytes[7] === 0)
		return new ModelError('This is a safetensors file (weights only, no graph), not an ONNX model.', 'Export the model to ONNX first.');
	if (looksLikeText(bytes.subarray(0, 512))) {
		const start = head.trim().split(/\r?\n/)[0].slice(0, 40);
		const kind = /^<(!doctype html|html)/i.test(start)
			? 'an HTML page (a download that saved an error or login page?)'
			: /^[[{]/.test(start)
				? 'a JSON file'
				: 'a text file';
		return new ModelError(`Not a readable ONNX model: this is ${kind}, starting "${displayName(start, 40)}".`, CHOOSE);
	}
	return null;
}

/** Printable ASCII/UTF-8 with whitespace only: an ONNX file starts with binary field tags. */
function looksLikeText(b: Uint8Array): boolean {
	if (b.byteLength < 4) return false;
	for (const c of b) if (c < 0x09 || (c > 0x0d && c < 0x20) || c === 0x7f) return false;
	return true;
}
