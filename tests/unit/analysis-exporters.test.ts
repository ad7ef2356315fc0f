// Recognition on graphs spelled the way real exporters spell them ("models nobody here wrote"):
// torch's nn.TransformerEncoder and Hugging Face's GPT-2. The fixtures must also be valid models:
// each runs in onnxruntime-web here, so they cannot drift into graphs no exporter could write.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { analyze, hookOf, toInspectJson } from '../../src/lib/analysis';
import { torchEncoder } from '../fixtures/torch-encoder';
import { hfGpt2 } from '../fixtures/hf-gpt2';
import { encodeModel } from '../../src/lib/onnx/build';
import type { Built } from '../fixtures/blocks';

ort.env.wasm.numThreads = 1;
import { layers3, norm3 } from '../fixtures/ort/contract.js';

function contract(b: Built) {
	const j = toInspectJson(analyze(b.graph));
	return {
		variant: j.variant,
		layers: layers3(j.layers),
		final_norm: norm3(j.final_norm),
		unrecognized: j.unrecognized,
		ambiguities: j.ambiguities
	};
}

async function runs(b: Built, feeds: Record<string, ort.Tensor>): Promise<string[]> {
	const s = await ort.InferenceSession.create(encodeModel(b.model), { executionProviders: ['wasm'] });
	const out = await s.run(feeds);
	await s.release();
	return Object.entries(out).map(([k, t]) => `${k}:${t.dims.join('x')}:${Array.from(t.data as Float32Array).every(Number.isFinite)}`);
}

describe('torch nn.TransformerEncoder export (heads folded into batch, post-norm)', () => {
	for (const opset of [14, 17] as const)
		it(`opset ${opset}: exact tensors, kinds, placements, variant`, () => {
			const b = torchEncoder({ opset });
			const c = contract(b);
			expect(c).toEqual({ ...b.expected, extra: undefined, unrecognized: [], ambiguities: [] });
			const form = opset === 14 ? 'decomposed' : 'fused';
			const ln = opset === 14 ? 'Add_1' : 'LayerNormalization';
			expect(c.layers[0]).toEqual({
				attention: { pattern: '/layers.0/self_attn/Softmax_output_0', heads: 4, masked: true },
				norms: [
					{
						kind: 'layernorm',
						form,
						input: '/layers.0/Add_output_0',
						output: `/layers.0/norm1/${ln}_output_0`,
						placement: 'post',
						sublayer: 'attn'
					},
					{
						kind: 'layernorm',
						form,
						input: '/layers.0/Add_1_output_0',
						output: `/layers.0/norm2/${ln}_output_0`,
						placement: 'post',
						sublayer: 'mlp'
					}
				],
				residuals: [
					{ output: '/layers.0/Add_output_0', stream: 'src', branch: '/layers.0/self_attn/Reshape_4_output_0', sublayer: 'attn' },
					{
						output: '/layers.0/Add_1_output_0',
						stream: `/layers.0/norm1/${ln}_output_0`,
						branch: '/layers.0/linear2/Add_output_0',
						sublayer: 'mlp'
					}
				]
			});
			expect(c.layers[1].norms[1].output).toBe('output');
			expect(c.final_norm).toBe(null);
		});

	it('the folded layout, the head count from the Mul(bsz, heads) in the view, the graph-input mask', () => {
		const s = analyze(torchEncoder({ heads: 8, d: 32 }).graph);
		expect(s.attention.map((a) => [a.layout, a.heads, a.headsFrom, a.scale, a.masks.map((m) => [m.op, m.kinds])])).toEqual([
			['BH,S,S', 8, 'reshape', 0.5, [['Add', ['padding']]]],
			['BH,S,S', 8, 'reshape', 0.5, [['Add', ['padding']]]]
		]);
		expect(analyze(torchEncoder({ mask: 'none' }).graph).attention.map((a) => a.masked)).toEqual([false, false]);
	});

	it('runs in onnxruntime-web', async () => {
		const src = new ort.Tensor(
			'float32',
			Float32Array.from({ length: 5 * 2 * 16 }, (_, i) => Math.sin(i)),
			[5, 2, 16]
		);
		const mask = new ort.Tensor(
			'float32',
			Float32Array.from({ length: 25 }, (_, i) => (i % 5 <= Math.floor(i / 5) ? 0 : -Infinity)),
			[5, 5]
		);
		expect(await runs(torchEncoder(), { src, mask })).toEqual(['output:5x2x16:true']);
	});
});

describe('Hugging Face GPT-2 export (Conv1D Gemms, fused qkv Split, Shape/Gather/Concat reshapes, /h.0/ names)', () => {
	for (const opset of [14, 17] as const)
		it(`opset ${opset}: exact tensors, kinds, placements, variant, final ln_f as the graph output`, () => {
			const b = hfGpt2({ opset });
			const c = contract(b);
			expect(c).toEqual({ ...b.expected, extra: undefined, unrecognized: [], ambiguities: [] });
			const form = opset === 14 ? 'decomposed' : 'fused';
			const ln = opset === 14 ? 'Add_1' : 'LayerNormalization';
			expect(c.layers[1]).toEqual({
				attention: { pattern: '/h.1/attn/Softmax_output_0', heads: 4, masked: true },
				norms: [
					{ kind: 'layernorm', form, input: '/h.0/Add_1_output_0', output: `/h.1/ln_1/${ln}_output_0`, placement: 'pre', sublayer: 'attn' },
					{ kind: 'layernorm', form, input: '/h.1/Add_output_0', output: `/h.1/ln_2/${ln}_output_0`, placement: 'pre', sublayer: 'mlp' }
				],
				residuals: [
					{ output: '/h.1/Add_output_0', stream: '/h.0/Add_1_output_0', branch: '/h.1/attn/c_proj/Reshape_1_output_0', sublayer: 'attn' },
					{ output: '/h.1/Add_1_output_0', stream: '/h.1/Add_output_0', branch: '/h.1/mlp/c_proj/Reshape_1_output_0', sublayer: 'mlp' }
				]
			});
			expect(c.final_norm).toEqual({
				kind: 'layernorm',
				form,
				input: '/h.1/Add_1_output_0',
				output: 'last_hidden_state',
				placement: 'post',
				sublayer: 'both'
			});
		});

	it('masks: the sliced tril buffer (through an Identity in later blocks) is causal, the extended attention_mask is padding', () => {
		const s = analyze(hfGpt2({ layers: 3 }).graph);
		expect(s.attention.map((a) => a.masks.map((m) => `${m.op}:${m.kinds.join('+')}`))).toEqual(
			Array(3).fill(['Where:causal', 'Add:padding'])
		);
		expect(s.attention.map((a) => [a.heads, a.headsFrom, a.scale])).toEqual(Array(3).fill([4, 'reshape', 0.5]));
		expect(s.layers.map((L) => L.nameHint)).toEqual([0, 1, 2]);
	});

	it('GPT2LMHeadModel: /transformer/h.N/ names, ln_f feeds lm_head and is still the final norm', () => {
		const b = hfGpt2({ lmHead: true, layers: 3 });
		const s = analyze(b.graph);
		expect(contract(b)).toEqual({ ...b.expected, extra: undefined, unrecognized: [], ambiguities: [] });
		expect(hookOf(s, '/transformer/h.2/attn/Softmax_output_0')).toBe('blocks.2.attn.hook_pattern');
		expect(hookOf(s, 'last_hidden_state')).toBe('ln_final.hook_normalized');
		expect(hookOf(s, 'logits')).toBe(null);
	});

	it('runs in onnxruntime-web', async () => {
		const input_ids = new ort.Tensor('int64', BigInt64Array.from([1n, 2n, 3n, 4n, 5n, 6n]), [2, 3]);
		const attention_mask = new ort.Tensor('int64', BigInt64Array.from([1n, 1n, 1n, 1n, 1n, 0n]), [2, 3]);
		expect(await runs(hfGpt2(), { input_ids, attention_mask })).toEqual(['last_hidden_state:2x3x16:true']);
	});
});
