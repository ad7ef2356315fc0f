// BERT as ORT's transformers optimizer writes it (EmbedLayerNormalization, Attention with the
// padding mask_index, post-norm SkipLayerNormalization, BiasGelu), float and dynamically int8
// quantized: recognized, the patterns recovered, every norm output and stream sum against the
// float64 oracle (the int8 one quantizing as the ops do).
import { beforeAll, describe, expect, it } from 'vitest';
import { Graph } from '../../src/lib/onnx/graph.js';
import { analyze, toInspectJson } from '../../src/lib/analysis/index.js';
import { loadOrt } from '../../src/lib/runtime/node/ort.js';
import type { OrtModule } from '../../src/lib/runtime/capture.js';
import { bertFused, bertWeights } from '../fixtures/ort/bert-fused.js';
import { bertForward } from '../fixtures/ort/bert-oracle.js';
import { diffByHook, int64, runFused } from '../fixtures/ort/run.js';
import { graphModelInfo } from '../../src/lib/report/model-info.js';
import { defaultInputs } from '../../src/lib/runtime/inputs.js';

const W = bertWeights();
const ids = [2, 17, 5, 22, 9, 1, 30, 12];
const types = [0, 0, 0, 0, 1, 1, 1, 1];
let ort: OrtModule;
beforeAll(async () => {
	ort = await loadOrt({ threads: 1 });
});

const keys: Record<string, string> = { 'ln_embed.hook_normalized': 'emb', 'ln_embed.hook_in': 'emb_sum' };
for (const i of [0, 1]) {
	keys[`blocks.${i}.attn.hook_pattern`] = `L${i}.pattern`;
	keys[`blocks.${i}.ln1.hook_in`] = `L${i}.sum1`;
	keys[`blocks.${i}.hook_resid_mid`] = `L${i}.resid_mid`;
	keys[`blocks.${i}.ln2.hook_in`] = `L${i}.sum2`;
	keys[`blocks.${i}.hook_resid_post`] = `L${i}.resid_post`;
}

for (const int8 of [false, true])
	describe(`BERT, ORT-optimized${int8 ? ', dynamic int8' : ''} (EmbedLayerNormalization, Attention, SkipLayerNormalization)`, () => {
		const { model, names } = bertFused(W, { int8 });

		it('is recognized: post-norm, the embedding norm, derived patterns with the padding mask, hidden sums', () => {
			const s = analyze(new Graph(model));
			expect(s.variant).toBe('post-norm');
			expect(s.layers).toHaveLength(2);
			expect(s.embedNorm).toMatchObject({
				op: 'EmbedLayerNormalization',
				output: names.embed,
				input: `derived::${names.embed}::embedding_sum`
			});
			expect(s.layers[0].input).toBe(names.embed);
			for (const [i, L] of s.layers.entries()) {
				expect(L.attention).toMatchObject({ op: 'Attention', heads: 2, derived: true, masked: true });
				expect(L.attention!.fused).toMatchObject({ causal: false });
				expect(L.norms.map((n) => [n.op, n.placement, n.sublayer, n.output])).toEqual([
					['SkipLayerNormalization', 'post', 'attn', names.layers[i].ln1],
					['SkipLayerNormalization', 'post', 'mlp', names.layers[i].ln2]
				]);
				expect(L.residuals.map((r) => [r.op, r.sublayer, r.recomputed])).toEqual([
					['SkipLayerNormalization', 'attn', true],
					['SkipLayerNormalization', 'mlp', true]
				]);
			}
			expect(s.finalNorm).toBeNull();
			expect(toInspectJson(s).unrecognized).toEqual([]);
			expect(graphModelInfo(new Graph(model))).toEqual({
				quantization: int8 ? ['DynamicQuantizeLinear', 'MatMulInteger'] : [],
				float_type: 'float32',
				fused_ops: { EmbedLayerNormalization: 1, Attention: 2, SkipLayerNormalization: 4, BiasGelu: 2 }
			});
			expect(s.derived.map((d) => d.kind)).toEqual(['embed-sum', 'pattern', 'skip-sum', 'skip-sum', 'pattern', 'skip-sum', 'skip-sum']);
		});

		for (const mask of [
			[1, 1, 1, 1, 1, 1, 1, 1],
			[1, 1, 1, 1, 1, 0, 0, 0]
		])
			it(`matches the oracle (mask ${mask.join('')}): embeddings, patterns, sums, post-norm stream; self-check`, async () => {
				const r = await runFused(ort, model, {
					input_ids: int64('input_ids', ids),
					attention_mask: int64('attention_mask', mask),
					token_type_ids: int64('token_type_ids', types)
				});
				const oracle = bertForward(W, ids, types, mask, int8);
				// int8: the oracle rounds each activation to its uint8 step as DynamicQuantizeLinear does. ORT's
				// activations agree with it to ~6e-7, closer than any value comes to a rounding boundary
				// (margin); one that rounded the other way would miss by a whole step (~1e-2), not pass.
				if (int8) expect(oracle.margin).toBeGreaterThan(6e-7);
				const d = diffByHook(r.structure, r.store, oracle.tensors, keys);
				for (const [hook, e] of Object.entries(d)) expect(e, hook).toBeLessThanOrEqual(1e-4);
				for (const x of r.derived) expect(x.skipped, x.name).toBeNull();
				// The int8 run is not the float model: quantization moves the stream by far more than 1e-4.
				if (int8)
					expect(
						diffByHook(r.structure, r.store, bertForward(W, ids, types, mask).tensors, keys)['blocks.1.hook_resid_post']
					).toBeGreaterThan(1e-3);
				for (const x of r.derived.filter((x) => x.kind === 'pattern')) expect(x.selfCheck!).toBeLessThan(1e-5);
				// Padded keys get no weight from any query (mask_index = 5 keys).
				const p = r.store.get(`derived::${names.layers[1].attention}::pattern`)!;
				if (mask[5] === 0) for (let q = 0; q < 8; q++) for (let k = 5; k < 8; k++) expect(p.data[q * 8 + k]).toBe(0);
			});
	});

it("default inputs (the page's, without a tokenizer) draw ids within the fused embedding op's tables, through the Cast to int32", async () => {
	const { model } = bertFused(W);
	const graph = new Graph(model);
	const feeds = defaultInputs(graph, { seed: 3 });
	const ids = Array.from(feeds.input_ids.data as BigInt64Array, Number);
	const types = Array.from(feeds.token_type_ids.data as BigInt64Array, Number);
	expect(Math.max(...ids)).toBeLessThan(W.V);
	expect(Math.max(...types)).toBeLessThan(W.T);
	expect(ids.length).toBeGreaterThan(4); // many draws: one over 40 would show
	const r = await runFused(ort, model, feeds);
	for (const x of r.derived) expect(x.skipped, x.name).toBeNull();
});
