// Hand ORT a model whose large weights are external data pointing back into the bytes we already
// hold. Given a plain model, onnxruntime-web copies the whole file into its WASM heap, parses it
// (raw_data copied again into protobuf strings) and then builds the initializer tensors: three
// copies of the weights at once, and a WASM heap never shrinks. Given external data, it parses a
// small graph and fills each tensor straight from the mounted buffer: one copy.
//
// This works on the wire format, like rewrite.ts: ModelProto.graph (7) -> GraphProto.initializer
// (5) -> TensorProto.raw_data (9) is re-encoded as external_data (13) + data_location (14);
// every other byte is copied as it is (unknown fields included). Offsets are into `bytes`, which
// is then mounted under `location`.
import { encodeVarint, joinBytes, lenField, lenHeader, Wire, wireFields as fields, WireFormatError } from './wire.js';

export interface Externalized {
	/** The model without the moved weights' bytes (small). */
	model: Uint8Array;
	/** How many initializers now point into the original bytes, and how many bytes that is. */
	moved: number;
	movedBytes: number;
	/** Graph outputs removed (dropOutputs). */
	droppedOutputs: number;
}

/** Initializers below this size stay inline (not worth an external reference). */
export const MIN_EXTERNAL_BYTES = 4096;

const utf8 = new TextEncoder();

/** One StringStringEntryProto { key = 1, value = 2 } as TensorProto.external_data (13). */
function entry(key: string, value: string): Uint8Array {
	return lenField(13, [...lenField(1, utf8.encode(key)), ...lenField(2, utf8.encode(value))]);
}

/** The TensorProto in b[s, e) with its raw_data made external, or null to keep it as it is. */
function tensor(b: Uint8Array, s: number, e: number, location: string, min: number): { bytes: Uint8Array; moved: number } | null {
	const fs = fields(b, s, e);
	const raws = fs.filter((f) => f.no === 9 && f.wire === Wire.Len);
	// Already external, or data in typed fields (float_data...), or split raw_data: leave it.
	if (raws.length !== 1 || fs.some((f) => f.no === 13 || f.no === 14)) return null;
	const [rs, re] = raws[0].body!;
	if (re - rs < min) return null;
	const out: Uint8Array[] = [];
	for (const f of fs) if (f !== raws[0]) out.push(b.subarray(f.start, f.end));
	out.push(entry('location', location));
	out.push(entry('offset', String(rs)));
	out.push(entry('length', String(re - rs)));
	out.push(Uint8Array.from([...encodeVarint(14 * 8 + Wire.Varint), 1])); // data_location = EXTERNAL
	return { bytes: joinBytes(out), moved: re - rs };
}

/** The name (field 1) of the ValueInfoProto in b[s, e). */
function valueName(b: Uint8Array, s: number, e: number): string | null {
	const f = fields(b, s, e).find((x) => x.no === 1 && x.wire === Wire.Len);
	return f ? new TextDecoder().decode(b.subarray(f.body![0], f.body![1])) : null;
}

/**
 * `bytes` with every large initializer's raw_data replaced by a reference to `location`, at the
 * offset it has in `bytes`, and the graph outputs named in `dropOutputs` removed (ORT then frees
 * such a tensor as soon as it is used, instead of holding it to the end of the run). Null when
 * there is nothing to change or the bytes are not plain protobuf (the caller then passes the
 * model as it is: never worse than before).
 */
export function externalizeWeights(
	bytes: Uint8Array,
	location: string,
	min = MIN_EXTERNAL_BYTES,
	dropOutputs: ReadonlySet<string> = new Set()
): Externalized | null {
	try {
		const out: Uint8Array[] = [];
		let moved = 0;
		let movedBytes = 0;
		let droppedOutputs = 0;
		for (const mf of fields(bytes, 0, bytes.byteLength)) {
			if (mf.no !== 7 || mf.wire !== Wire.Len) {
				out.push(bytes.subarray(mf.start, mf.end));
				continue;
			}
			const graph: Uint8Array[] = [];
			for (const gf of fields(bytes, mf.body![0], mf.body![1])) {
				if (dropOutputs.size && gf.no === 12 && gf.wire === Wire.Len && dropOutputs.has(valueName(bytes, gf.body![0], gf.body![1]) ?? '')) {
					droppedOutputs++;
					continue;
				}
				const t = gf.no === 5 && gf.wire === Wire.Len ? tensor(bytes, gf.body![0], gf.body![1], location, min) : null;
				if (!t) {
					graph.push(bytes.subarray(gf.start, gf.end));
					continue;
				}
				graph.push(lenField(5, t.bytes));
				moved++;
				movedBytes += t.moved;
			}
			out.push(
				lenHeader(
					7,
					graph.reduce((n, p) => n + p.byteLength, 0)
				)
			);
			for (const p of graph) out.push(p);
		}
		return moved || droppedOutputs ? { model: joinBytes(out), moved, movedBytes, droppedOutputs } : null;
	} catch (e) {
		if (e instanceof WireFormatError) return null;
		throw e;
	}
}
