// A model carrying fields this reader does not know (a newer IR) keeps them, byte for byte, through
// the capture rewrite, and ORT still runs the rewritten model.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { fromBinary, type UnknownField } from '@bufbuild/protobuf';
import { WireType } from '@bufbuild/protobuf/wire';
import { buildModel, encodeModel, node, tensorF32, valueInfo, DT } from '../../src/lib/onnx/build';
import { ModelProtoSchema } from '../../src/lib/onnx/gen/onnx_pb';
import { Graph, allIntermediates, exposeOutputs, readModel, spareFor } from '../../src/lib/onnx';
import { CaptureSession } from '../../src/lib/runtime';

ort.env.wasm.numThreads = 1;

const enc = (s: string) => new TextEncoder().encode(s);
const lenDelimited = (bytes: Uint8Array) => Uint8Array.from([bytes.byteLength, ...bytes]); // < 128 bytes
// Field numbers no ONNX version uses (yet): what a reader of an older schema sees from a newer IR.
const NODE_FIELD: UnknownField = { no: 77, wireType: WireType.Varint, data: Uint8Array.from([42]) };
const TENSOR_FIELD: UnknownField = { no: 99, wireType: WireType.LengthDelimited, data: lenDelimited(enc('tensor-future')) };
const GRAPH_FIELD: UnknownField = { no: 99, wireType: WireType.LengthDelimited, data: lenDelimited(enc('graph-future')) };
// Raw bytes appended to the ModelProto: field 1000 (length-delimited "model-future"), field 999 (varint 7).
const MODEL_TAIL = Uint8Array.from([0xc2, 0x3e, ...lenDelimited(enc('model-future')), 0xb8, 0x3e, 7]);

function modelWithUnknownFields(unknown = true): Uint8Array {
	const w = tensorF32(
		'w',
		[4, 4],
		Array.from({ length: 16 }, (_, i) => ((i % 5) - 2) * 0.5)
	);
	if (unknown) w.$unknown = [TENSOR_FIELD];
	const mm = node('MatMul', ['x', 'w'], ['h']);
	if (unknown) mm.$unknown = [NODE_FIELD];
	const m = buildModel({
		name: 'future',
		nodes: [mm, node('Relu', ['h'], ['r']), node('Softmax', ['r'], ['y'], { axis: -1 })],
		inputs: [valueInfo('x', DT.FLOAT, [1, 'seq', 4])],
		outputs: [valueInfo('y', DT.FLOAT, [1, 'seq', 4])],
		initializers: [w]
	});
	if (unknown) m.graph!.$unknown = [GRAPH_FIELD];
	const body = encodeModel(m);
	if (!unknown) return body;
	const out = new Uint8Array(body.byteLength + MODEL_TAIL.byteLength);
	out.set(body);
	out.set(MODEL_TAIL, body.byteLength);
	return out;
}

const strip = (fields: UnknownField[] | undefined) =>
	(fields ?? []).map((f) => ({ no: f.no, wireType: f.wireType, data: Array.from(f.data) }));

describe('lossless rewrite', () => {
	it('keeps unknown fields of the model, graph, node and tensor after exposeOutputs', () => {
		const bytes = modelWithUnknownFields();
		const graph = new Graph(readModel(bytes));
		const buffer = new Uint8Array(bytes.byteLength + spareFor(bytes.byteLength));
		buffer.set(bytes);
		const rewritten = exposeOutputs({ buffer, length: bytes.byteLength }, allIntermediates(graph));
		expect(rewritten.buffer).toBe(buffer.buffer); // appended in place
		expect(rewritten.subarray(0, bytes.byteLength)).toEqual(bytes); // the original bytes, untouched

		const m = fromBinary(ModelProtoSchema, rewritten, { readUnknownFields: true });
		expect(m.graph!.output.map((o) => o.name)).toEqual(['y', 'h', 'r']);
		expect(strip(m.$unknown)).toEqual([
			{ no: 1000, wireType: WireType.LengthDelimited, data: Array.from(lenDelimited(enc('model-future'))) },
			{ no: 999, wireType: WireType.Varint, data: [7] }
		]);
		expect(strip(m.graph!.$unknown)).toEqual(strip([GRAPH_FIELD]));
		expect(strip(m.graph!.node[0].$unknown)).toEqual(strip([NODE_FIELD]));
		expect(strip(m.graph!.initializer[0].$unknown)).toEqual(strip([TENSOR_FIELD]));
	});

	it('ORT runs the rewritten model and captures the same values as the plain one', async () => {
		const x = { name: 'x', dims: [1, 2, 4], dtype: 'float32' as const, data: Float32Array.from([1, -2, 3, 0.5, 0, 1, -1, 2]) };
		const run = async (bytes: Uint8Array) => {
			const graph = new Graph(readModel(bytes));
			const s = await CaptureSession.create(ort, { buffer: bytes, length: bytes.byteLength }, graph, {
				backend: 'wasm',
				captureSet: 'all'
			});
			const store = await s.run({ x });
			await s.release();
			return store;
		};
		const future = await run(modelWithUnknownFields());
		const ref = await run(modelWithUnknownFields(false));
		expect(future.order).toEqual(['x', 'h', 'r', 'y']);
		for (const name of ref.order) expect(future.get(name)!.data).toEqual(ref.get(name)!.data);
	});
});
