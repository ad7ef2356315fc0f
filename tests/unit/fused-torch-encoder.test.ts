// PyTorch 1.13's nn.TransformerEncoderLayer(batch_first=True) export: Q and K are Slices of the
// packed in_proj, reshaped with a constant [S, B*H, Dh] target (heads folded into the batch), and
// nothing else says the head count. Recovered as width / head dim; checked against the oracle.
import { beforeAll, describe, expect, it } from 'vitest';
import { Graph } from '../../src/lib/onnx/graph.js';
import { analyze, toInspectJson } from '../../src/lib/analysis/index.js';
import { loadOrt } from '../../src/lib/runtime/node/ort.js';
import type { OrtModule } from '../../src/lib/runtime/capture.js';
import { encoderForward, encoderWeights, torchEncoderBatchFirst } from '../fixtures/ort/torch-encoder-bf.js';
import { diffByHook, runFused } from '../fixtures/ort/run.js';
import { uniform } from '../../src/lib/stats/random.js';
import { graphModelInfo } from '../../src/lib/report/model-info.js';
import { calibrate, oracleQuantizer, quantizeStatic, type ActParams } from '../fixtures/ort/quant-static.js';

const W = encoderWeights();
const { model, patterns } = torchEncoderBatchFirst(W);
let ort: OrtModule;
beforeAll(async () => {
	ort = await loadOrt({ threads: 1 });
});

describe('nn.TransformerEncoderLayer(batch_first=True), torch 1.13 export', () => {
	it('recovers heads from the constant [S, B*H, Dh] reshape: width (Slice of the packed in_proj) / Dh', () => {
		const s = analyze(new Graph(model));
		expect(s.variant).toBe('post-norm');
		expect(s.layers.map((L) => [L.attention?.pattern, L.attention?.heads, L.attention?.headsFrom, L.attention?.layout])).toEqual(
			patterns.map((p) => [p, 4, 'width/head-dim', 'BH,S,S'])
		);
		expect(toInspectJson(s).unrecognized).toEqual([]);
		expect(s.ambiguities.filter((a) => /head count/.test(a.why))).toEqual([]);
	});

	it('a wider model with 8 heads reads 8, not the batch-folded 16', () => {
		const s = analyze(new Graph(torchEncoderBatchFirst(encoderWeights(2, 5, 32, 8)).model));
		expect(s.layers.map((L) => L.attention?.heads)).toEqual([8, 8]);
	});

	it("matches the oracle: patterns in torch's folded order, post-norm stream", async () => {
		const r = uniform(4);
		const src = Float32Array.from({ length: W.B * W.S * W.D }, () => r() * 2 - 1);
		const run = await runFused(ort, model, { src: { name: 'src', dims: [W.B, W.S, W.D], dtype: 'float32', data: src } });
		const keys: Record<string, string> = {};
		for (const i of [0, 1]) {
			keys[`blocks.${i}.attn.hook_pattern`] = `L${i}.pattern`;
			keys[`blocks.${i}.hook_resid_mid`] = `L${i}.resid_mid`;
			keys[`blocks.${i}.hook_resid_post`] = `L${i}.resid_post`;
		}
		const d = diffByHook(run.structure, run.store, encoderForward(W, Float64Array.from(src)), keys);
		for (const [hook, e] of Object.entries(d)) expect(e, hook).toBeLessThanOrEqual(1e-4);
	});
});

describe('the same encoder statically quantized (quantize_static: QDQ, and QOperator with QLinearMatMul)', () => {
	const r = uniform(4);
	const src = Float32Array.from({ length: W.B * W.S * W.D }, () => r() * 2 - 1);
	const { linears } = torchEncoderBatchFirst(W);
	// MinMax calibration on the float model's own activations, keyed by graph tensor.
	const ranges = new Map<string, ActParams>();
	encoderForward(W, Float64Array.from(src), { act: (key, x) => (ranges.set(key, calibrate(x)), x), weight: (_k, w) => w });
	const calib = new Map<string, ActParams>();
	for (const s of linears) {
		calib.set(s.input, ranges.get(`${s.key}.in`)!);
		calib.set(s.output, ranges.get(`${s.key}.out`)!);
	}
	for (const format of ['qdq', 'qoperator'] as const)
		it(`${format}: recognized as the float model is, and matches the oracle rounding as the ops do`, async () => {
			const q = quantizeStatic(model, linears, calib, format);
			const s = analyze(new Graph(q));
			expect(s.variant).toBe('post-norm');
			expect(s.layers.map((L) => [L.attention?.heads, L.residuals.map((x) => x.sublayer)])).toEqual([
				[4, ['attn', 'mlp']],
				[4, ['attn', 'mlp']]
			]);
			expect(toInspectJson(s).unrecognized).toEqual([]);
			expect(graphModelInfo(new Graph(q)).quantization).toEqual(
				format === 'qdq' ? ['DequantizeLinear', 'QuantizeLinear'] : ['DequantizeLinear', 'QLinearMatMul', 'QuantizeLinear']
			);
			const run = await runFused(ort, q, { src: { name: 'src', dims: [W.B, W.S, W.D], dtype: 'float32', data: src } });
			const keys: Record<string, string> = {};
			for (const i of [0, 1]) {
				keys[`blocks.${i}.attn.hook_pattern`] = `L${i}.pattern`;
				keys[`blocks.${i}.hook_resid_mid`] = `L${i}.resid_mid`;
				keys[`blocks.${i}.hook_resid_post`] = `L${i}.resid_post`;
			}
			const margin = { min: Infinity };
			const oracle = encoderForward(W, Float64Array.from(src), oracleQuantizer(ranges, format, margin));
			// ORT's activations agree with the oracle's to ~1e-6: closer to a rounding boundary than
			// that, one value could round the other way (and miss by a whole step, not pass).
			expect(margin.min).toBeGreaterThan(2e-6);
			const d = diffByHook(run.structure, run.store, oracle, keys);
			for (const [hook, e] of Object.entries(d)) expect(e, hook).toBeLessThanOrEqual(1e-4);
			expect(
				diffByHook(run.structure, run.store, encoderForward(W, Float64Array.from(src)), keys)['blocks.1.hook_resid_post']
			).toBeGreaterThan(1e-3);
		});
});
