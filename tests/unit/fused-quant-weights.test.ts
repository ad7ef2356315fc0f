// Quantized weights dequantized as the ops read them: each layout checked against ORT itself (the
// op run on an identity matrix returns its own dequantized weight; GatherBlockQuantized gathers
// every row; DequantizeLinear runs), or against the fixture's own quantizer; then weight health.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, encodeModel, node, valueInfo, DT, tensorF32, type AttrValue } from '../../src/lib/onnx/build.js';
import type { TensorProto } from '../../src/lib/onnx/gen/onnx_pb.js';
import { Graph } from '../../src/lib/onnx/graph.js';
import { loadOrt } from '../../src/lib/runtime/node/ort.js';
import type { OrtModule } from '../../src/lib/runtime/capture.js';
import { dequantizeNode, quantizedWeights } from '../../src/lib/report/quant-weights.js';
import { health } from '../../src/lib/report/health.js';
import { storeOf } from '../../src/lib/tensor/index.js';
import { uniform } from '../../src/lib/stats/random.js';
import { q4 } from '../fixtures/ort/quant.js';
import { tensorI8, tensorU8 } from '../fixtures/ort/tensors.js';
import { llamaGenai, llamaWeights } from '../fixtures/ort/llama-genai.js';
import { bertFused, bertWeights } from '../fixtures/ort/bert-fused.js';
import { quantizeWeight } from '../fixtures/ort/quant8.js';

let ort: OrtModule;
beforeAll(async () => {
	ort = await loadOrt({ threads: 1 });
});

/** One node whose weight inputs are initializers; feeds the float input `a`; returns ORT's output and our dequantization. */
async function viaOrt(
	op: string,
	domain: string,
	attrs: Record<string, AttrValue>,
	inputs: (string | TensorProto)[],
	a: { dims: number[]; data: Float32Array | BigInt64Array; type: DT }
) {
	const inits = inputs.filter((x): x is TensorProto => typeof x !== 'string');
	const names = inputs.map((x) => (typeof x === 'string' ? x : x.name));
	const model = buildModel({
		name: op,
		nodes: [node(op, names, ['y'], attrs, { domain, name: 'q' })],
		inputs: [valueInfo('a', a.type, a.dims)],
		outputs: [valueInfo('y', DT.FLOAT, null)],
		initializers: inits,
		opset: 21,
		irVersion: 10,
		extraOpsets: domain ? { [domain]: 1 } : {}
	});
	const s = await ort.InferenceSession.create(encodeModel(model), { executionProviders: ['wasm'], logSeverityLevel: 4 });
	const y = (await s.run({ a: new ort.Tensor(a.type === DT.FLOAT ? 'float32' : 'int64', a.data, a.dims) })).y;
	await s.release();
	const graph = new Graph(model);
	return { ort: Array.from(y.data as Float32Array), dims: y.dims as number[], ours: dequantizeNode(graph, graph.nodes[0])! };
}

const eye = (K: number) => ({
	dims: [K, K],
	type: DT.FLOAT,
	data: Float32Array.from({ length: K * K }, (_, i) => (i % (K + 1) === 0 ? 1 : 0))
});
const r = uniform(9);
const bytes = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 256));
const floats = (n: number) => Array.from({ length: n }, () => 0.01 + r() * 0.1);

describe('dequantized as the op reads it', () => {
	for (const zeros of [false, true])
		it(`MatMulNBits 4-bit, block 32${zeros ? ', packed zero points' : ''}`, async () => {
			const q = q4(64, 8, 32, 3, zeros);
			const ins: (string | TensorProto)[] = ['a', tensorU8('B', [8, 2, 16], q.packed), tensorF32('scales', [16], q.scales)];
			if (q.zeros) ins.push(tensorU8('zp', [q.zeros.length], q.zeros));
			const v = await viaOrt('MatMulNBits', 'com.microsoft', { K: 64, N: 8, bits: 4, block_size: 32 }, ins, eye(64));
			expect(v.ours.value.dims).toEqual([64, 8]);
			expect(Array.from(v.ours.value.data, Math.fround)).toEqual(v.ort);
			expect(Array.from(v.ours.value.data)).toEqual(Array.from(q.dequant));
		});

	for (const type of [0, 1])
		it(`MatMulBnb4 ${type ? 'NF4' : 'FP4'}`, async () => {
			const v = await viaOrt(
				'MatMulBnb4',
				'com.microsoft',
				{ K: 32, N: 8, block_size: 64, quant_type: type },
				['a', tensorU8('B', [128], bytes(128)), tensorF32('absmax', [4], floats(4))],
				eye(32)
			);
			const ours = Array.from(v.ours.value.data);
			for (let i = 0; i < ours.length; i++) expect(ours[i]).toBeCloseTo(v.ort[i], 6);
		});

	it('GatherBlockQuantized (4-bit, block 16): every row', async () => {
		const v = await viaOrt(
			'GatherBlockQuantized',
			'com.microsoft',
			{ gather_axis: 0, quantize_axis: 1, block_size: 16, bits: 4 },
			[tensorU8('data', [10, 16], bytes(160)), 'a', tensorF32('scales', [10, 2], floats(20))],
			{
				dims: [10],
				type: DT.INT64,
				data: BigInt64Array.from({ length: 10 }, (_, i) => BigInt(i))
			}
		);
		expect(v.ours.value.dims).toEqual([10, 32]);
		expect(Array.from(v.ours.value.data).map(Math.fround)).toEqual(v.ort);
	});

	it('DequantizeLinear of a constant, per axis with zero points', async () => {
		const model = buildModel({
			name: 'dq',
			nodes: [node('DequantizeLinear', ['x', 's', 'z'], ['y'], { axis: 1 }, { name: 'dq' })],
			inputs: [],
			outputs: [valueInfo('y', DT.FLOAT, null)],
			initializers: [
				tensorI8(
					'x',
					[4, 6],
					bytes(24).map((b) => b - 128)
				),
				tensorF32('s', [6], floats(6)),
				tensorI8('z', [6], [0, 1, -2, 3, 0, -1])
			],
			opset: 21,
			irVersion: 10
		});
		const s = await ort.InferenceSession.create(encodeModel(model), { executionProviders: ['wasm'], logSeverityLevel: 4 });
		const y = Array.from((await s.run({})).y.data as Float32Array);
		await s.release();
		const g = new Graph(model);
		expect(Array.from(dequantizeNode(g, g.nodes[0])!.value.data).map(Math.fround)).toEqual(y);
	});

	it('MatMulInteger: the int8 weight times the scale on the Mul after its Cast (quantize_dynamic)', () => {
		const W = bertWeights();
		const g = new Graph(bertFused(W, { int8: true }).model);
		const q = quantizedWeights(g);
		expect(q.map((x) => x.op)).toEqual(Array(6).fill('MatMulInteger'));
		const want = quantizeWeight(W.layers[0].wo, W.D, W.D).dequant;
		expect(q[0]).toMatchObject({
			weight: 'bert.encoder.layer.0.attention.output.dense.weight_quantized',
			dims: [32, 32],
			nan: 0,
			inf: 0,
			min: Math.min(...want),
			max: Math.max(...want)
		});
	});
});

describe('weight health reads dequantized values', () => {
	it("a NaN scale shows as the NaN weights it makes, with each weight's range", () => {
		const W = llamaWeights();
		W.layers[1].up.scales[5] = NaN; // one block of 32 weights of column 2 (2 blocks per column)
		const { model } = llamaGenai(W);
		const graph = new Graph(model);
		const h = health(graph, null, storeOf([]));
		const up = h.quantized_weights.find((x) => x.weight === 'model.layers.1.mlp.up_proj.qweight')!;
		expect(up).toMatchObject({ op: 'MatMulNBits', dims: [64, 128], nan: 32, inf: 0 });
		const clean = W.layers[1].up.dequant.filter((v) => !Number.isNaN(v));
		expect([up.min, up.max]).toEqual([Math.min(...clean), Math.max(...clean)]);
		expect(h.quantized_weights.filter((x) => x.nan)).toHaveLength(1);
		expect(h.quantized_weights).toHaveLength(14);
		expect(h.nonfinite_initializers.map((x) => x.name)).toEqual(['model.layers.1.mlp.up_proj.scales']);
	});
});
