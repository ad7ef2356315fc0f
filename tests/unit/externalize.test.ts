// Weights passed to ORT as external data pointing back into the model's own bytes (externalize.ts):
// the same outputs, every other byte kept, and the cases it must leave alone.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { fromBinary, type UnknownField } from '@bufbuild/protobuf';
import { WireType } from '@bufbuild/protobuf/wire';
import { buildModel, encodeModel, node, tensorF32, valueInfo, DT } from '../../src/lib/onnx/build';
import { ModelProtoSchema, TensorProto_DataLocation } from '../../src/lib/onnx/gen/onnx_pb';
import { Graph, bufferOf, exposeOutputs, externalizeWeights, readModel } from '../../src/lib/onnx';
import { CaptureSession, INLINE_WEIGHTS } from '../../src/lib/runtime/capture';
import { defaultInputs } from '../../src/lib/runtime/inputs';

ort.env.wasm.numThreads = 1;

const enc = (s: string) => new TextEncoder().encode(s);
const TENSOR_FIELD: UnknownField = { no: 99, wireType: WireType.LengthDelimited, data: Uint8Array.from([6, ...enc('future')]) };
const GRAPH_FIELD: UnknownField = { no: 98, wireType: WireType.Varint, data: Uint8Array.from([42]) };
const MODEL_TAIL = Uint8Array.from([0xb8, 0x3e, 7]); // field 999, varint 7, after the graph

function model(): Uint8Array {
	const w = tensorF32(
		'w',
		[4, 4],
		Array.from({ length: 16 }, (_, i) => ((i % 5) - 2) * 0.5)
	);
	w.$unknown = [TENSOR_FIELD];
	const m = buildModel({
		name: 'ext',
		nodes: [node('MatMul', ['x', 'w'], ['h']), node('Add', ['h', 'b'], ['y'])],
		inputs: [valueInfo('x', DT.FLOAT, [1, 2, 4])],
		outputs: [valueInfo('y', DT.FLOAT, [1, 2, 4])],
		initializers: [w, tensorF32('b', [4], [0.5, -1, 2, 0])]
	});
	m.graph!.$unknown = [GRAPH_FIELD];
	const body = encodeModel(m);
	const out = new Uint8Array(body.byteLength + MODEL_TAIL.byteLength);
	out.set(body);
	out.set(MODEL_TAIL, body.byteLength);
	return out;
}

const strip = (u: UnknownField[] | undefined) => (u ?? []).map((f) => ({ no: f.no, wireType: f.wireType, data: [...f.data] }));

describe('externalizeWeights', () => {
	it('moves raw_data at or over the threshold to references into the same bytes, keeping every other field', () => {
		const bytes = model();
		const before = readModel(bytes);
		const x = externalizeWeights(bytes, 'here.bin', 64)!; // w: 64 bytes (moved), b: 16 (kept)
		expect(x).toMatchObject({ moved: 1, movedBytes: 64 });
		expect(x.model.byteLength).toBeLessThan(bytes.byteLength);
		const m = fromBinary(ModelProtoSchema, x.model, { readUnknownFields: true });
		const [w, b] = m.graph!.initializer;
		expect(w.rawData.byteLength).toBe(0);
		expect(w.dataLocation).toBe(TensorProto_DataLocation.EXTERNAL);
		const e = Object.fromEntries(w.externalData.map((kv) => [kv.key, kv.value]));
		expect(e.location).toBe('here.bin');
		expect(bytes.subarray(+e.offset, +e.offset + +e.length)).toEqual(before.graph!.initializer[0].rawData);
		expect(b.rawData).toEqual(before.graph!.initializer[1].rawData);
		expect(b.dataLocation).toBe(TensorProto_DataLocation.DEFAULT);
		expect(strip(w.$unknown)).toEqual(strip([TENSOR_FIELD]));
		expect(strip(m.graph!.$unknown)).toEqual(strip([GRAPH_FIELD]));
		expect(strip(m.$unknown)).toEqual([{ no: 999, wireType: WireType.Varint, data: [7] }]);
		expect(m.graph!.node.map((n) => n.opType)).toEqual(['MatMul', 'Add']);
	});

	it('handles the second graph field the capture rewrite appends (outputs merge as before)', () => {
		const bytes = exposeOutputs(bufferOf(model()), ['h']);
		const m = fromBinary(ModelProtoSchema, externalizeWeights(bytes, 'here.bin', 64)!.model);
		expect(m.graph!.output.map((o) => o.name)).toEqual(['y', 'h']);
		expect(m.graph!.initializer.map((t) => t.name)).toEqual(['w', 'b']);
	});

	it('removes the graph outputs it is told to, and only those', () => {
		const bytes = exposeOutputs(bufferOf(model()), ['h']);
		const x = externalizeWeights(bytes, 'here.bin', 1 << 20, new Set(['y']))!; // nothing moved, one output dropped
		expect(x).toMatchObject({ moved: 0, droppedOutputs: 1 });
		const m = fromBinary(ModelProtoSchema, x.model);
		expect(m.graph!.output.map((o) => o.name)).toEqual(['h']);
		expect(m.graph!.node.map((n) => n.opType)).toEqual(['MatMul', 'Add']);
	});

	it('leaves alone what it cannot or need not move, and bytes that are not protobuf', () => {
		const bytes = model();
		expect(externalizeWeights(bytes, 'here.bin', 1 << 20)).toBeNull(); // nothing over the threshold
		const once = externalizeWeights(bytes, 'here.bin', 64)!.model;
		expect(externalizeWeights(once, 'again.bin', 64)).toBeNull(); // already external: untouched
		expect(externalizeWeights(Uint8Array.from([0x3a, 0x05, 0x01]), 'x', 1)).toBeNull(); // truncated
		expect(externalizeWeights(Uint8Array.from([0x0b, 0x0c]), 'x', 1)).toBeNull(); // a group (wire type 3)
	});
});

describe('sessions on externalized weights', () => {
	it('give bit-identical outputs to the model passed whole, for every zoo tensor', async () => {
		const bytes = new Uint8Array(readFileSync('models/pre-rms-swiglu.onnx'));
		const graph = new Graph(readModel(bytes));
		const feeds = defaultInputs(graph, {});
		const runs = [];
		for (const externalize of [false, true]) {
			const s = await CaptureSession.create(ort, bufferOf(bytes), graph, { backend: 'wasm', captureSet: 'all', externalize });
			runs.push(await s.run(feeds));
			await s.release();
		}
		const [whole, ext] = runs;
		expect(ext.order).toEqual(whole.order);
		expect(whole.size).toBeGreaterThan(100);
		for (const name of whole.order) expect(ext.get(name)!.data, name).toEqual(whole.get(name)!.data);
		// The zoo's weights really were moved (d_model 64: every matrix is over the threshold).
		expect(externalizeWeights(bytes, INLINE_WEIGHTS)!.moved).toBeGreaterThan(10);
	});

	it('skipOutputs: the session returns the rest, the same numbers, without the skipped output', async () => {
		const bytes = new Uint8Array(readFileSync('models/pre-ln.onnx'));
		const graph = new Graph(readModel(bytes));
		const logits = graph.outputs[0].name;
		const feeds = defaultInputs(graph, {});
		const whole = await CaptureSession.create(ort, bufferOf(bytes), graph, { backend: 'wasm', captureSet: 'all' });
		const lean = await CaptureSession.create(ort, bufferOf(bytes), graph, { backend: 'wasm', captureSet: 'all', skipOutputs: [logits] });
		expect(lean.session.outputNames).not.toContain(logits);
		const [a, b] = [await whole.run(feeds), await lean.run(feeds)];
		expect(b.has(logits)).toBe(false);
		expect(b.order).toEqual(a.order.filter((n) => n !== logits));
		for (const n of b.order) expect(b.get(n)!.data, n).toEqual(a.get(n)!.data);
		// Nothing exposed: the only output stays (a model with no output would not load).
		const plain = await CaptureSession.create(ort, bufferOf(bytes), graph, { backend: 'wasm', captureSet: 'none', skipOutputs: [logits] });
		expect(plain.session.outputNames).toEqual([logits]);
		for (const s of [whole, lean, plain]) await s.release();
	});

	it('can be created concurrently on one ORT instance (its table of mounted files is shared)', async () => {
		const ids = ['pre-ln', 'post-ln', 'dyt'];
		const graphs = ids.map((id) => {
			const bytes = new Uint8Array(readFileSync(`models/${id}.onnx`));
			return { bytes, graph: new Graph(readModel(bytes)) };
		});
		const logits = async (s: CaptureSession, graph: Graph) => {
			const store = await s.run(defaultInputs(graph, { text: 'the cat sat on the mat' }));
			await s.release();
			return store.get(graph.outputs[0].name)!.data;
		};
		const alone = [];
		for (const { bytes, graph } of graphs)
			alone.push(
				await logits(
					await CaptureSession.create(ort, bufferOf(bytes), graph, { backend: 'wasm', captureSet: 'all', externalize: false }),
					graph
				)
			);
		const sessions = await Promise.all(
			graphs.map(({ bytes, graph }) => CaptureSession.create(ort, bufferOf(bytes), graph, { backend: 'wasm', captureSet: 'all' }))
		);
		for (const [i, s] of sessions.entries()) expect(await logits(s, graphs[i].graph), ids[i]).toEqual(alone[i]);
	});

	it("work beside a model's own external data and with pre-packing off", async () => {
		const bytes = model();
		const graph = new Graph(readModel(bytes));
		const x = { name: 'x', dims: [1, 2, 4], dtype: 'float32' as const, data: Float32Array.from([1, 2, 3, 4, -1, 0, 1, 2]) };
		// The model's w as a file of its own (the user's external data), b inline.
		const own = externalizeWeights(bytes, 'user-weights.bin', 64)!.model;
		const s = await CaptureSession.create(ort, bufferOf(own), new Graph(readModel(own)), {
			backend: 'wasm',
			captureSet: 'all',
			prepack: false,
			sessionOptions: { externalData: [{ path: 'user-weights.bin', data: bytes }] }
		});
		const plain = await CaptureSession.create(ort, bufferOf(bytes), graph, { backend: 'wasm', captureSet: 'all', externalize: false });
		const [a, b] = [await s.run({ x }), await plain.run({ x })];
		expect(a.get('y')!.data).toEqual(b.get('y')!.data);
		// h = x W, W[i][j] = ((4i + j) % 5 - 2) / 2, by hand; the externalized session read the same W.
		const W = (i: number, j: number) => (((4 * i + j) % 5) - 2) * 0.5;
		const h = [
			[1, 2, 3, 4],
			[-1, 0, 1, 2]
		].flatMap((row) => [0, 1, 2, 3].map((j) => row.reduce((acc, xi, i) => acc + xi * W(i, j), 0)));
		expect([...(a.get('h')!.data as Float32Array)]).toEqual(h);
		await s.release();
		await plain.release();
	});
});
