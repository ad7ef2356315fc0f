// Dynamic int8 BERT with quantize_dynamic's IntegerOps for the fused ops too: QEmbedLayerNormalization
// (uint8 tables) and QAttention (uint8 input from DynamicQuantizeLinear, int8 packed weight). Both
// are recognized (the embedding norm, a derived pattern per layer), run on ORT's WASM backend, and
// the hidden embedding sum and the patterns, dequantized as the ops do, match the oracle.
import { beforeAll, describe, expect, it } from 'vitest';
import { Graph } from '../../src/lib/onnx/graph.js';
import { analyze } from '../../src/lib/analysis/index.js';
import { loadOrt } from '../../src/lib/runtime/node/ort.js';
import type { OrtModule } from '../../src/lib/runtime/capture.js';
import { graphModelInfo } from '../../src/lib/report/model-info.js';
import { quantizedWeights } from '../../src/lib/report/quant-weights.js';
import { quantizeWeightReduced } from '../fixtures/ort/bert-qops.js';
import { bertFused, bertWeights } from '../fixtures/ort/bert-fused.js';
import { bertForward } from '../fixtures/ort/bert-oracle.js';
import { diffByHook, int64, runFused } from '../fixtures/ort/run.js';

const W = bertWeights();
const ids = [2, 17, 5, 22, 9, 1, 30, 12];
const types = [0, 0, 0, 0, 1, 1, 1, 1];
const { model, names } = bertFused(W, { qops: true });
let ort: OrtModule;
beforeAll(async () => {
	ort = await loadOrt({ threads: 1 });
});

const keys: Record<string, string> = { 'ln_embed.hook_normalized': 'emb', 'ln_embed.hook_in': 'emb_sum' };
for (const i of [0, 1]) {
	keys[`blocks.${i}.attn.hook_pattern`] = `L${i}.pattern`;
	keys[`blocks.${i}.hook_resid_mid`] = `L${i}.resid_mid`;
	keys[`blocks.${i}.hook_resid_post`] = `L${i}.resid_post`;
}

describe('BERT, dynamic int8 with QEmbedLayerNormalization and QAttention', () => {
	it('is recognized: the quantized embedding norm, derived patterns with the padding mask', () => {
		const s = analyze(new Graph(model));
		expect(s.variant).toBe('post-norm');
		expect(s.embedNorm).toMatchObject({
			op: 'QEmbedLayerNormalization',
			output: names.embed,
			input: `derived::${names.embed}::embedding_sum`
		});
		for (const L of s.layers) expect(L.attention).toMatchObject({ op: 'QAttention', heads: 2, derived: true, masked: true, kvHeads: null });
		expect(s.derived.map((d) => d.kind)).toEqual(['embed-sum', 'pattern', 'skip-sum', 'skip-sum', 'pattern', 'skip-sum', 'skip-sum']);
		expect(graphModelInfo(new Graph(model)).quantization).toEqual([
			'DynamicQuantizeLinear',
			'MatMulInteger',
			'QAttention',
			'QEmbedLayerNormalization'
		]);
	});

	it("weight health reads QAttention's packed weight as the op dequantizes it", () => {
		const qw = quantizedWeights(new Graph(model)).filter((q) => q.op === 'QAttention');
		expect(qw).toHaveLength(2);
		qw.forEach((q, i) => {
			const want = quantizeWeightReduced(W.layers[i].wqkv, W.D, 3 * W.D).dequant;
			expect(q).toMatchObject({
				weight: `bert.encoder.layer.${i}.attention.self.qkv.weight_quantized`,
				dims: [W.D, 3 * W.D],
				nan: 0,
				inf: 0
			});
			expect(q.min).toBeCloseTo(Math.min(...want), 6);
			expect(q.max).toBeCloseTo(Math.max(...want), 6);
		});
	});

	for (const mask of [
		[1, 1, 1, 1, 1, 1, 1, 1],
		[1, 1, 1, 1, 1, 1, 0, 0]
	])
		it(`matches the oracle (mask ${mask.join('')}): embedding sum, patterns, stream; self-check`, async () => {
			const r = await runFused(ort, model, {
				input_ids: int64('input_ids', ids),
				attention_mask: int64('attention_mask', mask),
				token_type_ids: int64('token_type_ids', types)
			});
			const oracle = bertForward(W, ids, types, mask, true, true);
			// as in the int8 BERT test: no activation within ORT's float32 drift of a rounding boundary
			expect(oracle.margin).toBeGreaterThan(6e-7);
			for (const x of r.derived) expect(x.skipped, x.name).toBeNull();
			for (const x of r.derived.filter((x) => x.kind === 'pattern')) expect(x.selfCheck!).toBeLessThan(1e-5);
			const d = diffByHook(r.structure, r.store, oracle.tensors, keys);
			expect(Object.keys(d).sort()).toEqual(Object.keys(keys).sort());
			for (const [hook, e] of Object.entries(d)) expect(e, hook).toBeLessThanOrEqual(1e-4);
			// the quantized tables and weight move the run: the float oracle does not match it
			const float = diffByHook(r.structure, r.store, bertForward(W, ids, types, mask).tensors, keys);
			expect(float['ln_embed.hook_in']).toBeGreaterThan(1e-4);
			expect(float['blocks.0.attn.hook_pattern']).toBeGreaterThan(1e-4);
		});
});
