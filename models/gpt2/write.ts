// Writes the GPT-2-small-shaped stack to disk as one ordinary ONNX file (a single graph, every
// initializer in it), streaming the learned weights chunk by chunk: the protobuf lengths are
// known up front, so ~500 MB of weights are generated and written without ever being held whole.
import { create, toBinary } from '@bufbuild/protobuf';
import { closeSync, openSync, writeSync } from 'node:fs';
import { GraphProtoSchema, ModelProtoSchema, TensorProtoSchema, TensorProto_DataType as DT } from '../../src/lib/onnx/gen/onnx_pb.js';
import { uniform } from '../../src/lib/stats/random.js';
import { GPT2_SMALL, type Gpt2Config } from './config.js';
import { gpt2Plan, type WeightSpec } from './graph.js';

const CHUNK = 1 << 18; // floats per write (1 MiB)

function varint(n: number): number[] {
	const out: number[] = [];
	do {
		out.push((n % 128) | (n >= 128 ? 0x80 : 0));
		n = Math.floor(n / 128);
	} while (n > 0);
	return out;
}

/** A length-delimited field's tag and length. */
function header(field: number, length: number): Uint8Array {
	return Uint8Array.from([(field << 3) | 2, ...varint(length)]);
}

function count(dims: number[]): number {
	return dims.reduce((a, b) => a * b, 1);
}

/** The tensor's fields before raw_data (field 9), then raw_data's tag and length. */
function tensorHead(w: WeightSpec): Uint8Array {
	const meta = toBinary(TensorProtoSchema, create(TensorProtoSchema, { name: w.name, dims: w.dims.map(BigInt), dataType: DT.FLOAT }));
	const raw = header(9, 4 * count(w.dims));
	const out = new Uint8Array(meta.byteLength + raw.byteLength);
	out.set(meta);
	out.set(raw, meta.byteLength);
	return out;
}

/** Per-tensor seed from the model seed and the tensor's name (adding a tensor never shifts another). */
function seedOf(seed: number, name: string): number {
	let h = (0x811c9dc5 ^ seed) >>> 0;
	for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
	return h >>> 0;
}

/**
 * Fills `out` with the next values of the tensor. Uniform noise with the init's std (half-width
 * std * sqrt 3): as good as a normal for timing and memory, and 5x faster to draw at 124M values.
 */
function fill(w: WeightSpec, next: (() => number) | null, out: Float32Array): void {
	if ('value' in w.init) {
		out.fill(w.init.value);
		return;
	}
	const a = w.init.std * Math.sqrt(3);
	for (let i = 0; i < out.length; i++) out[i] = (2 * next!() - 1) * a;
}

export interface WrittenModel {
	path: string;
	bytes: number;
	weightBytes: number;
}

/** Writes the model to `path` (byte-for-byte the same for the same config). */
export function writeGpt2(path: string, cfg: Partial<Gpt2Config> = {}): WrittenModel {
	const config = { ...GPT2_SMALL, ...cfg };
	const { model, weights, weightBytes } = gpt2Plan(config);
	const graph = model.graph!;
	model.graph = undefined;
	const modelHead = toBinary(ModelProtoSchema, model);
	const graphHead = toBinary(GraphProtoSchema, graph);
	const heads = weights.map(tensorHead);
	const tensorLens = weights.map((w, i) => heads[i].byteLength + 4 * count(w.dims));
	const graphLen = graphHead.byteLength + tensorLens.reduce((s, n) => s + header(5, n).byteLength + n, 0);

	const fd = openSync(path, 'w');
	let bytes = 0;
	const put = (b: Uint8Array) => {
		for (let off = 0; off < b.byteLength;) off += writeSync(fd, b, off);
		bytes += b.byteLength;
	};
	try {
		put(modelHead);
		put(header(7, graphLen)); // ModelProto.graph
		put(graphHead);
		const chunk = new Float32Array(CHUNK);
		weights.forEach((w, i) => {
			put(header(5, tensorLens[i])); // GraphProto.initializer
			put(heads[i]);
			const next = 'std' in w.init ? uniform(seedOf(config.seed, w.name)) : null;
			for (let left = count(w.dims); left > 0; left -= CHUNK) {
				const part = chunk.subarray(0, Math.min(CHUNK, left));
				fill(w, next, part);
				put(new Uint8Array(part.buffer, 0, part.byteLength)); // little-endian, as raw_data requires
			}
		});
	} finally {
		closeSync(fd);
	}
	return { path, bytes, weightBytes };
}
