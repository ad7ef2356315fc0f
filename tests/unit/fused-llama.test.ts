// LLaMA as onnxruntime-genai writes it (int4 MatMulNBits, GroupQueryAttention with rotary and 2
// KV heads, SimplifiedLayerNormalization, SkipSimplifiedLayerNormalization): recognized, the
// grouped pattern recovered with rotary as the op applies it, everything against the oracle.
import { beforeAll, describe, expect, it } from 'vitest';
import { Graph } from '../../src/lib/onnx/graph.js';
import { analyze } from '../../src/lib/analysis/index.js';
import { loadOrt } from '../../src/lib/runtime/node/ort.js';
import type { OrtModule } from '../../src/lib/runtime/capture.js';
import { llamaGenai, llamaWeights } from '../fixtures/ort/llama-genai.js';
import { llamaForward } from '../fixtures/ort/oracle.js';
import { diffByHook, int64, runFused } from '../fixtures/ort/run.js';

const W = llamaWeights();
const { model } = llamaGenai(W);
const ids = [3, 17, 5, 22, 9, 1, 30, 12, 7, 7];
let ort: OrtModule;
beforeAll(async () => {
	ort = await loadOrt({ threads: 1 });
});

describe('LLaMA, onnxruntime-genai int4 (MatMulNBits, GroupQueryAttention, Skip/SimplifiedLayerNormalization)', () => {
	it('is recognized: pre-norm RMSNorm, GQA with 4 query heads over 2 KV heads, rotary', () => {
		const s = analyze(new Graph(model));
		expect(s.variant).toBe('pre-norm');
		expect(s.layers).toHaveLength(2);
		for (const L of s.layers) {
			expect(L.attention).toMatchObject({ op: 'GroupQueryAttention', heads: 4, kvHeads: 2, derived: true, rope: true, masked: true });
			expect(L.norms.map((n) => [n.kind, n.placement, n.sublayer])).toEqual([
				['rmsnorm', 'pre', 'attn'],
				['rmsnorm', 'pre', 'mlp']
			]);
			expect(L.residuals.map((r) => r.op)).toEqual(['SkipSimplifiedLayerNormalization', 'SkipSimplifiedLayerNormalization']);
		}
		expect(s.finalNorm).toMatchObject({ kind: 'rmsnorm', op: 'SkipSimplifiedLayerNormalization', output: 'hidden_states' });
		expect(s.unrecognized).toEqual([]);
	});

	it('matches the oracle: grouped, rotated patterns, RMSNorm outputs and the stream (int4 dequantized as the op does)', async () => {
		const r = await runFused(ort, model, {
			input_ids: int64('input_ids', ids),
			attention_mask: int64(
				'attention_mask',
				ids.map(() => 1)
			)
		});
		const oracle = llamaForward(W, ids);
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
		for (const x of r.derived.filter((x) => x.kind === 'pattern')) {
			expect(x.skipped).toBeNull();
			expect(x.selfCheck!).toBeLessThan(1e-5);
		}
	});
});
