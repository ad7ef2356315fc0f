// Expose intermediate tensors as graph outputs without touching the original bytes.
//
// Protobuf merges a singular message field that appears twice, and concatenates repeated fields.
// So appending one more `ModelProto.graph` (field 7) that holds only `output` entries adds those
// outputs to the model ORT parses. The weights are never decoded, copied or re-encoded, every
// field we do not know survives byte for byte, and the cost is proportional to the new names.
import { create, toBinary } from '@bufbuild/protobuf';
import { GraphProtoSchema, ValueInfoProtoSchema } from './gen/onnx_pb.js';
import type { Graph } from './graph.js';

/** A model's bytes in a buffer with spare capacity after them, so a rewrite can append in place. */
export interface ModelBuffer {
	buffer: Uint8Array; // capacity >= length
	length: number; // bytes of the original model
}

/** Spare room to reserve when reading a model: enough for every output name of big graphs. */
export function spareFor(fileSize: number): number {
	return Math.min(64 << 20, (1 << 20) + Math.ceil(fileSize * 0.01));
}

export function bufferOf(bytes: Uint8Array): ModelBuffer {
	return { buffer: bytes, length: bytes.byteLength };
}

/** The suffix that adds `names` as graph outputs (types left empty: ORT infers them). */
export function outputsSuffix(names: readonly string[]): Uint8Array {
	const g = create(GraphProtoSchema, { output: names.map((name) => create(ValueInfoProtoSchema, { name })) });
	const body = toBinary(GraphProtoSchema, g);
	const head = [0x3a]; // field 7 (graph), wire type 2 (length-delimited)
	let n = body.byteLength;
	do {
		head.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
		n >>>= 7;
	} while (n > 0);
	const out = new Uint8Array(head.length + body.byteLength);
	out.set(head, 0);
	out.set(body, head.length);
	return out;
}

/**
 * The model bytes with `names` exposed as extra outputs. Appends into the buffer's spare capacity
 * when there is room (no copy of the weights); only when there is not does it allocate a new one.
 * The returned view stays valid until the next call on the same ModelBuffer.
 */
export function exposeOutputs(model: ModelBuffer, names: readonly string[]): Uint8Array {
	if (names.length === 0) return model.buffer.subarray(0, model.length);
	const suffix = outputsSuffix(names);
	const total = model.length + suffix.byteLength;
	if (total <= model.buffer.byteLength) {
		model.buffer.set(suffix, model.length);
		return model.buffer.subarray(0, total);
	}
	const out = new Uint8Array(total);
	out.set(model.buffer.subarray(0, model.length), 0);
	out.set(suffix, model.length);
	return out;
}

/**
 * Every tensor a capture of "all" can expose: node outputs, minus what is already a graph output,
 * initializers and Constant outputs (weights the user already has; exposing them only costs).
 */
/** Outputs ORT's schemas mark training-only: WebGPU's kernels never write them, so exposing one fails the run. */
const TRAINING_ONLY: Record<string, number[]> = {
	'com.microsoft:SkipLayerNormalization': [1, 2], // mean, inv_std_var
	'com.microsoft:SkipSimplifiedLayerNormalization': [1, 2]
};

export function allIntermediates(graph: Graph): string[] {
	const have = new Set(graph.outputs.map((o) => o.name));
	const names: string[] = [];
	for (const n of graph.nodes) {
		if (n.opType === 'Constant' && n.domain === '') continue;
		const skip = TRAINING_ONLY[`${n.domain}:${n.opType}`] ?? [];
		for (const [i, o] of n.outputs.entries()) {
			if (!o || skip.includes(i) || have.has(o) || graph.initializers.has(o)) continue;
			have.add(o);
			names.push(o);
		}
	}
	return names;
}
