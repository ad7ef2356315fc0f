// GPT-2 as ORT's transformers optimizer writes it: recognition reads Attention, LayerNormalization,
// SkipLayerNormalization (norm and residual add) and FastGelu; the pattern is recovered from
// Attention's inputs; every pattern, norm output and stream tensor matches the float64 oracle.
import { beforeAll, describe, expect, it } from 'vitest';
import { Graph } from '../../src/lib/onnx/graph.js';
import { analyze, toInspectJson } from '../../src/lib/analysis/index.js';
import { loadOrt } from '../../src/lib/runtime/node/ort.js';
import type { OrtModule } from '../../src/lib/runtime/capture.js';
import { gpt2Fused, gpt2Weights } from '../fixtures/ort/gpt2-fused.js';
import { gpt2Forward } from '../fixtures/ort/oracle.js';
import { diffByHook, int64, runFused } from '../fixtures/ort/run.js';

const W = gpt2Weights();
const { model, names } = gpt2Fused(W);
const ids = [3, 17, 5, 22, 9, 1, 30, 12];
let ort: OrtModule;
beforeAll(async () => {
	ort = await loadOrt({ threads: 1 });
});

describe('GPT-2, ORT-optimized (Attention, SkipLayerNormalization, FastGelu)', () => {
	it('is recognized: a pre-norm stack, derived patterns, Skip ops as norms and residual adds', () => {
		const s = analyze(new Graph(model));
		expect(s.variant).toBe('pre-norm');
		expect(s.layers).toHaveLength(2);
		for (const [i, L] of s.layers.entries()) {
			expect(L.attention).toMatchObject({ op: 'Attention', heads: 2, kvHeads: null, derived: true, masked: true });
			expect(L.attention!.fused).toMatchObject({ causal: true, input: names.layers[i].ln1 });
			expect(L.norms.map((n) => [n.op, n.placement, n.sublayer])).toEqual([
				[i === 0 ? 'LayerNormalization' : 'SkipLayerNormalization', 'pre', 'attn'],
				['SkipLayerNormalization', 'pre', 'mlp']
			]);
			expect(L.residuals.map((r) => [r.op, r.sublayer, r.recomputed])).toEqual([
				['SkipLayerNormalization', 'attn', false],
				['SkipLayerNormalization', 'mlp', i === 1]
			]);
		}
		expect(s.finalNorm).toMatchObject({
			op: 'SkipLayerNormalization',
			output: 'last_hidden_state',
			input: 'derived::last_hidden_state::input_skip_bias_sum'
		});
		expect(toInspectJson(s).unrecognized).toEqual([]);
		expect(s.semantic).toEqual(expect.arrayContaining([names.layers[0].attention, names.layers[1].ln1]));
	});

	for (const mask of [
		[1, 1, 1, 1, 1, 1, 1, 1],
		[1, 1, 1, 1, 1, 0, 0, 0]
	])
		for (const capture of ['semantic', 'all'] as const)
			it(`matches the oracle (mask ${mask.join('')}, capture ${capture}): patterns, norms, stream; self-check`, async () => {
				const r = await runFused(
					ort,
					model,
					{ input_ids: int64('input_ids', ids), attention_mask: int64('attention_mask', mask) },
					capture
				);
				const oracle = gpt2Forward(W, ids, mask);
				const keys: Record<string, string> = { 'ln_final.hook_normalized': 'ln_f' };
				for (const i of [0, 1]) {
					keys[`blocks.${i}.attn.hook_pattern`] = `L${i}.pattern`;
					keys[`blocks.${i}.ln1.hook_normalized`] = `L${i}.ln1`;
					keys[`blocks.${i}.hook_resid_mid`] = `L${i}.resid_mid`;
					keys[`blocks.${i}.ln2.hook_normalized`] = `L${i}.ln2`;
					keys[`blocks.${i}.hook_resid_post`] = `L${i}.resid_post`;
				}
				const d = diffByHook(r.structure, r.store, oracle, keys);
				for (const [hook, e] of Object.entries(d)) expect(e, hook).toBeLessThanOrEqual(1e-4);
				expect(r.derived.map((x) => [x.kind, x.skipped])).toEqual([
					['pattern', null],
					['pattern', null],
					['skip-sum', null]
				]);
				for (const x of r.derived.filter((x) => x.kind === 'pattern')) expect(x.selfCheck!).toBeLessThan(1e-5);
				// A padded key gets no weight from any query.
				const p = r.store.get('derived::' + names.layers[0].attention + '::pattern')!;
				if (mask[7] === 0) for (let q = 0; q < 8; q++) expect(p.data[q * 8 + 7]).toBe(0);
			});

	it('the self-check catches a pattern that does not explain the output', async () => {
		const r = await runFused(ort, model, {
			input_ids: int64('input_ids', ids),
			attention_mask: int64('attention_mask', [1, 1, 1, 1, 1, 1, 1, 1])
		});
		// Recompute with a wrong scale: the pattern changes, pattern @ V no longer matches Attention's output.
		const s = r.structure;
		s.layers[0].attention!.fused!.scale = 1;
		const { deriveTensors } = await import('../../src/lib/derive/index.js');
		const again = deriveTensors(r.graph, s, r.store);
		expect(again[0].selfCheck!).toBeGreaterThan(1e-3);
	});
});
