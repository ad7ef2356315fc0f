// Inlining the branch a merged decoder's inputs select, so capture sees inside it.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { create } from '@bufbuild/protobuf';
import { NodeProtoSchema } from '../../src/lib/onnx/gen/onnx_pb.js';
import { encodeModel } from '../../src/lib/onnx/build.js';
import { readModel } from '../../src/lib/onnx/read.js';
import { Graph } from '../../src/lib/onnx/graph.js';
import { encodeWithWeightsIn, inlineIfs, subgraphOps } from '../../src/lib/onnx/inline-if.js';
import { CaptureSession } from '../../src/lib/runtime/capture.js';
import { modelInputs } from '../../src/lib/runtime/model-inputs.js';
import { mergedDecoder } from '../fixtures/folder/decoders.js';

const NO_PAST = new Map([['use_cache_branch', false]]);

describe('inline If', () => {
	it('replaces the If with the no-past branch: its nodes, its int64 initializers, outer weights read in place', () => {
		const bytes = encodeModel(mergedDecoder());
		const model = readModel(bytes);
		expect(subgraphOps(model)).toEqual([{ op: 'If', name: 'optimum::if' }]);
		const inl = inlineIfs(model, NO_PAST)!;
		expect(inl).toMatchObject({ node: 'optimum::if', branch: 'else_branch', cond: 'use_cache_branch' });
		const g = new Graph(inl.model);
		expect(g.nodes.some((n) => n.opType === 'If')).toBe(false);
		expect(g.nodes.length).toBe(inl.nodes);
		expect(g.initializers.has('split_heads_shape')).toBe(true); // came from the branch
		expect(g.nodes.some((n) => n.inputs.includes('past_key_values.0.key'))).toBe(false);
		expect(inlineIfs(model, new Map())).toBeNull(); // condition unknown: left alone
		expect(inlineIfs(model, new Map([['use_cache_branch', true]]))!.branch).toBe('then_branch');
		// the user's bytes are untouched
		expect(encodeModel(model)).toEqual(bytes);
	});

	it('the re-encoded graph points into the original bytes, runs, and exposes tensors inside the branch', async () => {
		const bytes = encodeModel(mergedDecoder());
		const model = readModel(bytes);
		const inl = inlineIfs(model, NO_PAST)!;
		const small = encodeWithWeightsIn(inl.model, bytes, 'src.bin');
		expect(small.byteLength).toBeLessThan(bytes.byteLength / 3); // weights referenced, not copied
		const g = new Graph(inl.model);
		const feeds = modelInputs(g, { textIds: [4, 8, 15, 16] }).feeds;
		const ortIn = Object.fromEntries(
			Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor(t.dtype as ort.Tensor.Type, t.data as ort.Tensor.DataType, t.dims)])
		);
		const plain = await ort.InferenceSession.create(bytes);
		const want = await plain.run(ortIn);
		await plain.release();
		const cap = await CaptureSession.create(ort, { buffer: small, length: small.byteLength }, g, {
			backend: 'wasm',
			captureSet: 'all',
			sessionOptions: { externalData: [{ path: 'src.bin', data: bytes }] }
		});
		const store = await cap.run(feeds);
		await cap.release();
		// Same numbers up to the fusions exposing intermediates prevents (README: capture sets).
		const got = store.get('logits')!.data as Float32Array;
		const ref = want.logits.data as Float32Array;
		expect(got.length).toBe(ref.length);
		expect(Math.max(...got.map((x, i) => Math.abs(x - ref[i])))).toBeLessThan(1e-5);
		const softmax = g.nodes.filter((n) => n.opType === 'Softmax').map((n) => n.outputs[0]);
		expect(softmax.length).toBe(2);
		for (const s of softmax) expect(store.get(s)?.dims).toEqual([1, 2, 4, 4]);
	});

	it('links differently named branch outputs with an Identity and refuses a branch that redefines a main-graph name', () => {
		const model = readModel(encodeModel(mergedDecoder()));
		const ifNode = model.graph!.node[0];
		const els = ifNode.attribute.find((a) => a.name === 'else_branch')!.g!;
		const last = els.node.find((n) => n.output[0] === 'logits')!;
		last.output[0] = 'branch_logits';
		els.output[0] = { ...els.output[0], name: 'branch_logits' };
		const g = new Graph(inlineIfs(model, NO_PAST)!.model);
		expect(g.producer.get('logits')?.opType).toBe('Identity');
		model.graph!.node.push(
			create(NodeProtoSchema, { opType: 'Identity', input: ['input_ids'], output: ['split_heads_shape'], name: 'clash' })
		);
		expect(() => inlineIfs(model, NO_PAST)).toThrow(/redefines "split_heads_shape"/);
	});
});
