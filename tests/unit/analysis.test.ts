// Recognition on generated stacks: every norm spelling, attention layout, mask, activation and
// linear spelling, every placement; then hooks, the semantic set, overrides and the refusals.
import { describe, expect, it } from 'vitest';
import { analyze, hookOf, toInspectJson, layerHint, type Structure } from '../../src/lib/analysis';
import { buildBlocks, DEEP_ALPHA, type BlockOpts, type Built, type NormSpelling } from '../fixtures/blocks';
import { classifier, ortFused, renameScopes, withSoftmaxAxis } from '../fixtures/odd';
import { Graph } from '../../src/lib/onnx/graph';
import { layers3, norm3 } from '../fixtures/ort/contract.js';

function contract(s: Structure) {
	const j = toInspectJson(s);
	return { variant: j.variant, layers: layers3(j.layers), final_norm: norm3(j.final_norm) };
}

function expectRecognized(b: Built): Structure {
	const s = analyze(b.graph);
	expect(contract(s)).toEqual({ variant: b.expected.variant, layers: b.expected.layers, final_norm: b.expected.final_norm });
	return s;
}

describe('norm spellings', () => {
	const cases: [NormSpelling, string, string | null][] = [
		['ln', 'LayerNormalization', null],
		['ln-decomposed', 'ReduceMean>Sub>Pow>ReduceMean>Add>Sqrt>Div>Mul>Add', 'Sqrt'],
		['ln-recip', 'ReduceMean>Sub>Pow>ReduceMean>Add>Sqrt>Reciprocal>Mul>Mul>Add', 'Sqrt'],
		['ln-mul-square', 'ReduceMean>Sub>Mul>ReduceMean>Add>Sqrt>Div>Mul>Add', 'Sqrt'],
		['ln-powhalf', 'ReduceMean>Sub>Pow>ReduceMean>Add>Pow>Mul>Mul>Add', null],
		['rms', 'RMSNormalization', null],
		['rms-simplified', 'SimplifiedLayerNormalization', null],
		['rms-div', 'Pow>ReduceMean>Add>Sqrt>Div>Mul', 'Sqrt'],
		['rms-recip', 'Pow>ReduceMean>Add>Sqrt>Reciprocal>Mul>Mul', 'Sqrt'],
		['rms-pow', 'Pow>ReduceMean>Add>Pow>Mul>Mul', null],
		['rms-llama', 'Pow>ReduceMean>Add>Sqrt>Div(1,x)>Mul>Cast>Mul', 'Sqrt']
	];
	for (const [norm, spelling, scaleOp] of cases)
		for (const placement of ['pre', 'post'] as const)
			it(`${norm}, ${placement}-norm: kind, form, tensors, eps, gamma/beta, placement`, () => {
				const b = buildBlocks({ placement, norm });
				const s = expectRecognized(b);
				const n = s.layers[0].norms[0];
				const rms = norm.startsWith('rms');
				expect(n.kind).toBe(rms ? 'rmsnorm' : 'layernorm');
				expect(n.spelling).toBe(spelling);
				expect(n.eps).toBe(1e-5);
				const mod = placement === 'pre' ? 'input_layernorm' : 'norm1';
				expect(n.gamma).toBe(`layers.0.${mod}.weight`);
				expect(n.beta).toBe(rms ? null : `layers.0.${mod}.bias`);
				expect(n.scale).toBe(scaleOp ? `/layers.0/${mod}/${scaleOp}_output_0` : null);
				expect(n.input).toBe(placement === 'pre' ? '/Add_output_0' : '/layers.0/Add_output_0');
			});

	it('DyT: Mul(alpha) > Tanh > Mul(gamma) > Add(beta), alpha read, no eps; GELU-tanh chains are not DyT', () => {
		const s = expectRecognized(buildBlocks({ placement: 'dyt', mlp: 'gelu-tanh' }));
		expect(s.norms).toHaveLength(5);
		const n = s.layers[1].norms[1];
		expect(n).toMatchObject({
			kind: 'dyt',
			form: 'decomposed',
			spelling: 'Mul>Tanh>Mul>Add',
			alpha: 0.5,
			eps: null,
			gamma: 'layers.1.post_attention_layernorm.weight',
			beta: 'layers.1.post_attention_layernorm.bias',
			input: '/layers.1/Add_output_0',
			output: '/layers.1/post_attention_layernorm/Add_output_0'
		});
		expect(s.variant).toBe('dyt');
		expect(s.finalNorm?.kind).toBe('dyt');
	});
});

describe('attention', () => {
	for (const scores of ['bhss', 'folded'] as const)
		for (const mask of ['none', 'where', 'add', 'input', 'trilu'] as const)
			it(`softmax on ${scores === 'bhss' ? '[B,H,S,S]' : '[B*H,S,S]'}, mask ${mask}: pattern, heads, masked, mask kind`, () => {
				const s = expectRecognized(buildBlocks({ placement: 'pre', scores, mask }));
				const a = s.layers[1].attention!;
				expect(a.pattern).toBe('/layers.1/self_attn/Softmax_output_0');
				expect(a.heads).toBe(4);
				expect(a.layout).toBe(scores === 'bhss' ? 'BHSS' : 'BH,S,S');
				expect(a.scale).toBe(0.5);
				const kinds = { none: [], where: [['causal']], add: [['causal']], input: [['padding']], trilu: [['causal']] }[mask];
				expect(a.masks.map((m) => m.kinds)).toEqual(kinds);
				expect(a.masks.map((m) => m.op)).toEqual(mask === 'none' ? [] : mask === 'where' ? ['Where'] : ['Add']);
			});

	it('head count from shape info, from the head-split reshape (constant, Concat chain, folded Mul), from width/head dim', () => {
		const from = (o: Omit<BlockOpts, 'placement'>) => analyze(buildBlocks({ placement: 'pre', ...o }).graph).attention[0];
		expect([from({ shapeInfo: true }).heads, from({ shapeInfo: true }).headsFrom]).toEqual([4, 'shape-info']);
		expect([from({}).heads, from({}).headsFrom]).toEqual([4, 'reshape']);
		expect([from({ reshape: 'chain' }).heads, from({ reshape: 'chain' }).headsFrom]).toEqual([4, 'reshape']);
		expect([from({ scores: 'folded' }).heads, from({ scores: 'folded' }).headsFrom]).toEqual([4, 'reshape']);
		expect([from({ heads: 2 }).heads, from({ heads: 8 }).heads]).toEqual([2, 8]);
		expect([from({ linear: 'gemm', reshape: 'input' }).heads]).toEqual([null]);
	});

	it('scale before the MatMul (Q / sqrt(hd)) and SDPA-style sqrt(scale) on Q and K', () => {
		for (const scale of ['before', 'sdpa'] as const) {
			const s = expectRecognized(buildBlocks({ placement: 'pre', scale }));
			expect(s.attention.map((a) => a.scale)).toEqual([0.5, 0.5]);
		}
	});

	it('RoPE (Slice/Neg/Concat/Mul/Add) before QK: recognized, flagged, heads still found', () => {
		const s = expectRecognized(buildBlocks({ placement: 'pre', rope: true, reshape: 'chain' }));
		expect(s.attention.map((a) => [a.rope, a.heads])).toEqual([
			[true, 4],
			[true, 4]
		]);
		expect(analyze(buildBlocks({ placement: 'pre' }).graph).attention[0].rope).toBe(false);
	});

	it('head count unknown is reported, not guessed', () => {
		const s = analyze(buildBlocks({ placement: 'pre', reshape: 'input' }).graph);
		expect(toInspectJson(s).layers[0].attention).toEqual({
			pattern: '/layers.0/self_attn/Softmax_output_0',
			heads: null,
			masked: true,
			op: 'Softmax',
			derived: false,
			kv_heads: null
		});
		expect(s.ambiguities).toContainEqual({
			what: 'Softmax "/layers.0/self_attn/Softmax"',
			why: 'head count unknown: no shape info on the scores, and the reshape that splits heads could not be evaluated'
		});
	});
});

describe('MLP and linear spellings do not disturb the stream', () => {
	for (const mlp of ['gelu', 'gelu-erf', 'gelu-tanh', 'relu', 'silu', 'swiglu'] as const)
		it(`${mlp}: exactly the two stream adds per block`, () => {
			const s = expectRecognized(buildBlocks({ placement: 'pre', mlp }));
			expect(s.residuals).toHaveLength(4);
			expect(s.unrecognized).toEqual([]);
		});
	for (const linear of ['matmul-add', 'bias-first', 'gemm', 'identity'] as const)
		for (const scores of ['bhss', 'folded'] as const)
			it(`${linear} linears, ${scores}: post-norm recognized`, () => {
				expectRecognized(buildBlocks({ placement: 'post', linear, scores }));
			});
	it('plain opaque names: topology alone', () => {
		const s = expectRecognized(
			buildBlocks({ placement: 'pre', naming: 'plain', reshape: 'chain', rope: true, mlp: 'swiglu', norm: 'rms-div' })
		);
		expect(s.layers.map((L) => L.nameHint)).toEqual([null, null]);
	});
});

describe('placement', () => {
	for (const placement of ['pre', 'post', 'parallel', 'parallel2', 'neox', 'deepnorm', 'dyt'] as const)
		it(`${placement}: variant, norms, residuals, final norm`, () => {
			const s = expectRecognized(buildBlocks({ placement, layers: 3 }));
			expect(s.layers.map((L) => L.reason)).toEqual([null, null, null]);
			expect(s.unrecognized).toEqual([]);
			expect(s.ambiguities).toEqual([]);
		});

	it('GPT-NeoX parallel: one norm per half of the summed branch', () => {
		const s = analyze(buildBlocks({ placement: 'neox' }).graph);
		expect(s.layers[0].norms.map((n) => [n.placement, n.sublayer])).toEqual([
			['pre', 'attn'],
			['pre', 'mlp']
		]);
		expect(s.layers[0].residuals.map((r) => r.sublayer)).toEqual(['both']);
	});

	for (const placement of ['post', 'pre'] as const)
		it(`an embedding norm before the first ${placement}-norm block (BERT, BLOOM) is found and kept out of the blocks`, () => {
			const b = buildBlocks({ placement, embedNorm: true, norm: 'ln-decomposed' });
			const s = expectRecognized(b);
			expect(s.embedNorm).toMatchObject({ input: '/Add_output_0', output: '/embeddings_norm/Add_1_output_0', kind: 'layernorm' });
			expect(s.hookTensors.get('ln_embed.hook_normalized')).toBe('/embeddings_norm/Add_1_output_0');
			expect(s.hookTensors.get('blocks.0.hook_resid_pre')).toBe('/embeddings_norm/Add_1_output_0');
			expect([s.unrecognized, s.ambiguities]).toEqual([[], []]);
		});

	it('DeepNorm: alpha read per block', () => {
		const s = analyze(buildBlocks({ placement: 'deepnorm' }).graph);
		expect(s.layers.map((L) => L.alpha)).toEqual([DEEP_ALPHA, DEEP_ALPHA]);
		expect(s.residuals.map((r) => [r.alpha, r.base === r.stream])).toEqual(Array(4).fill([DEEP_ALPHA, false]));
	});

	it('no norms at all: variant unknown, with the reason per block', () => {
		const s = expectRecognized(buildBlocks({ placement: 'none' }));
		expect(s.unrecognized).toEqual([
			{ what: 'block 0 placement', why: 'no norm on the residual stream in this block' },
			{ what: 'block 1 placement', why: 'no norm on the residual stream in this block' }
		]);
	});

	it('the last norm after a post-norm block is its LN2, after a pre-norm block the final norm; a projection after it changes nothing', () => {
		const post = analyze(buildBlocks({ placement: 'post', head: true }).graph);
		expect([post.finalNorm, post.layers[1].norms.map((n) => n.placement)]).toEqual([null, ['post', 'post']]);
		const pre = analyze(buildBlocks({ placement: 'pre', head: true }).graph);
		expect(pre.finalNorm?.output).toBe('/norm/LayerNormalization_output_0');
	});
});

describe('hooks and the semantic capture set', () => {
	it('pre-norm: TransformerLens names, aliases for shared tensors, graph order semantic set', () => {
		const b = buildBlocks({ placement: 'pre', norm: 'ln-decomposed', layers: 2 });
		const s = analyze(b.graph);
		const e = b.expected;
		const L0 = e.layers[0];
		expect(Object.fromEntries(s.hookTensors)).toMatchObject({
			'blocks.0.hook_resid_pre': '/Add_output_0',
			'blocks.0.ln1.hook_normalized': L0.norms[0].output,
			'blocks.0.ln1.hook_scale': '/layers.0/input_layernorm/Sqrt_output_0',
			'blocks.0.attn.hook_attn_scores': e.extra[0].scores,
			'blocks.0.attn.hook_pattern': L0.attention!.pattern,
			'blocks.0.hook_attn_out': e.extra[0].attnOut,
			'blocks.0.hook_resid_mid': L0.residuals[0].output,
			'blocks.0.ln2.hook_normalized': L0.norms[1].output,
			'blocks.0.mlp.hook_pre': '/layers.0/mlp/fc1/Add_output_0',
			'blocks.0.mlp.hook_post': '/layers.0/mlp/act/Gelu_output_0',
			'blocks.0.hook_mlp_out': e.extra[0].mlpOut,
			'blocks.0.hook_resid_post': L0.residuals[1].output,
			'blocks.1.hook_resid_pre': L0.residuals[1].output,
			'ln_final.hook_normalized': 'last_hidden_state',
			'ln_final.hook_scale': '/norm/Sqrt_output_0'
		});
		// One tensor, two names: the tensor's own name is the more specific one.
		expect(hookOf(s, L0.residuals[1].output)).toBe('blocks.0.hook_resid_post');
		expect(hookOf(s, 'last_hidden_state')).toBe('ln_final.hook_normalized');
		expect(hookOf(s, '/layers.0/self_attn/q_proj/MatMul_output_0')).toBe(null);
		expect(s.semantic.slice(0, 14)).toEqual([
			'/Add_output_0',
			'/layers.0/input_layernorm/Sqrt_output_0',
			L0.norms[0].output,
			e.extra[0].scores,
			L0.attention!.pattern,
			e.extra[0].attnOut,
			L0.residuals[0].output,
			'/layers.0/post_attention_layernorm/Sqrt_output_0',
			L0.norms[1].output,
			'/layers.0/mlp/fc1/Add_output_0',
			'/layers.0/mlp/act/Gelu_output_0',
			e.extra[0].mlpOut,
			L0.residuals[1].output,
			'/layers.1/input_layernorm/Sqrt_output_0'
		]);
		expect(s.semantic).toHaveLength(1 + 2 * 12 + 2); // resid_pre, 12 per block (MLP pre and post included), ln_final scale and output
	});

	it('post-norm: resid_mid and resid_post are the norm outputs (the stream after each add), raw sums are lnN.hook_in', () => {
		const b = buildBlocks({ placement: 'post' });
		const s = analyze(b.graph);
		const L0 = b.expected.layers[0];
		expect(s.hookTensors.get('blocks.0.hook_resid_mid')).toBe(L0.norms[0].output);
		expect(s.hookTensors.get('blocks.0.hook_resid_post')).toBe(L0.norms[1].output);
		expect(s.hookTensors.get('blocks.1.hook_resid_pre')).toBe(L0.norms[1].output);
		expect(s.hookTensors.get('blocks.0.ln1.hook_in')).toBe(L0.residuals[0].output);
		expect(hookOf(s, L0.norms[0].output)).toBe('blocks.0.ln1.hook_normalized');
		expect(hookOf(s, L0.residuals[1].output)).toBe('blocks.0.ln2.hook_in');
		expect(s.hookTensors.get('blocks.1.ln2.hook_normalized')).toBe('last_hidden_state');
		expect(s.hookTensors.has('ln_final.hook_normalized')).toBe(false);
	});

	it('parallel (one add): attn_out and mlp_out are the two halves of the branch sum', () => {
		const b = buildBlocks({ placement: 'parallel' });
		const s = analyze(b.graph);
		expect(s.hookTensors.get('blocks.0.hook_attn_out')).toBe(b.expected.extra[0].attnOut);
		expect(s.hookTensors.get('blocks.0.hook_mlp_out')).toBe(b.expected.extra[0].mlpOut);
		expect(s.hookTensors.has('blocks.0.hook_resid_mid')).toBe(false);
		expect(s.hookTensors.has('blocks.0.ln2.hook_normalized')).toBe(false);
	});
});

describe('refusals and ambiguity', () => {
	it('a classifier softmax is not attention, and says why', () => {
		const s = analyze(classifier());
		expect(s.attention).toEqual([]);
		expect(s.unrecognized).toEqual([
			{
				what: 'Softmax "/Softmax"',
				why: 'its scores come from MatMul with a constant operand (a projection, e.g. a classifier head), not from Q·K^T'
			},
			{ what: 'residual stream', why: 'no residual add found (an Add of the stream and a branch computed from it through a MatMul)' },
			{ what: 'attention', why: 'no attention found: its one Softmax does not normalize Q·K^T scores (see the note above)' }
		]);
		expect([s.variant, s.layers]).toEqual(['unknown', []]);
	});

	it('a softmax over a non-last axis is refused', () => {
		const b = buildBlocks({ placement: 'pre', shapeInfo: true, layers: 1 });
		const s = analyze(new Graph(withSoftmaxAxis(b.model, 1)));
		expect(s.attention).toEqual([]);
		expect(s.unrecognized[0]).toEqual({
			what: 'Softmax "/layers.0/self_attn/Softmax"',
			why: 'softmax over axis 1 of a rank-4 tensor, not the last axis'
		});
	});

	it('a positive softmax axis without shape info (opset 11/12 exports): the head split rank decides', () => {
		const ok = analyze(new Graph(withSoftmaxAxis(buildBlocks({ placement: 'pre', layers: 1 }).model, 3)));
		expect([ok.attention.length, ok.ambiguities, ok.unrecognized]).toEqual([1, [], []]);
		const folded = analyze(new Graph(withSoftmaxAxis(buildBlocks({ placement: 'pre', layers: 1, scores: 'folded' }).model, 3)));
		expect(folded.unrecognized[0]).toEqual({
			what: 'Softmax "/layers.0/self_attn/Softmax"',
			why: 'softmax over axis 3 of rank-3 scores, not the last axis'
		});
		const wrong = analyze(new Graph(withSoftmaxAxis(buildBlocks({ placement: 'pre', layers: 1 }).model, 1)));
		expect(wrong.unrecognized[0]).toEqual({
			what: 'Softmax "/layers.0/self_attn/Softmax"',
			why: 'softmax over axis 1, not the last axis of a score matrix'
		});
	});

	it('fused ORT ops are read: the pattern and the hidden Skip sum are derived', () => {
		const s = analyze(ortFused());
		expect(s.layers[0].attention).toMatchObject({ op: 'Attention', heads: 4, derived: true, pattern: 'derived::t1::pattern' });
		expect(s.layers[0].residuals[0]).toMatchObject({ op: 'SkipLayerNormalization', recomputed: true, stream: 'hidden', branch: 't1' });
		expect(s.derived.map((d) => d.kind)).toEqual(['pattern', 'skip-sum']);
	});

	it('QK-norm is reported as a norm inside the attention branch, not placed', () => {
		const s = expectRecognized(buildBlocks({ placement: 'pre', qkNorm: true, layers: 1 }));
		expect(s.unrecognized).toEqual([
			{
				what: 'rmsnorm "/layers.0/self_attn/q_norm/Mul_output_0"',
				why: 'normalizes a tensor inside the attn branch (e.g. QK-norm), not the residual stream'
			},
			{
				what: 'rmsnorm "/layers.0/self_attn/k_norm/Mul_output_0"',
				why: 'normalizes a tensor inside the attn branch (e.g. QK-norm), not the residual stream'
			}
		]);
	});

	it('an attention op recognition cannot follow still marks the branch as attention, with the reason', () => {
		const s = analyze(buildBlocks({ placement: 'pre', scoresOp: 'clip' }).graph);
		expect(s.layers.map((L) => [L.attention, L.residuals.map((r) => r.sublayer), L.variant])).toEqual([
			[null, ['attn', 'mlp'], 'pre-norm'],
			[null, ['attn', 'mlp'], 'pre-norm']
		]);
		expect(s.unrecognized[0]).toEqual({
			what: 'Softmax "/layers.0/self_attn/Softmax"',
			why: 'its input comes from Clip, not from a MatMul of two activations (Q·K^T)'
		});
	});

	it('names that contradict the topology are reported; topology wins', () => {
		const b = buildBlocks({ placement: 'pre', layers: 3 });
		const s = analyze(renameScopes(b.model, '/layers.1/', '/layers.7/'));
		expect(contract(s).layers).toEqual(b.expected.layers);
		expect(s.layers.map((L) => L.nameHint)).toEqual([0, 7, 2]);
		expect(s.ambiguities).toEqual([{ what: 'block 1', why: 'its node names say layer 7, topology says block 1' }]);
	});

	it('layerHint reads PyTorch module paths', () => {
		expect(
			[
				'/h.0/attn/Softmax',
				'/model/layers.12/Add_1',
				'/transformer/h.3/ln_1/Add',
				'/encoder/layer.2/x',
				'/blocks.5/y',
				'/hidden/Add',
				'layers_4'
			].map(layerHint)
		).toEqual([0, 12, 3, 2, 5, null, 4]);
	});
});

describe('overrides', () => {
	it('"this tensor is the attention pattern of layer L" fills what recognition could not, and drops the complaint', () => {
		const b = buildBlocks({ placement: 'pre', scoresOp: 'clip' });
		const patterns = b.expected.layers.map((L) => L.attention!.pattern);
		const s = analyze(
			b.graph,
			patterns.map((pattern, layer) => ({ kind: 'attention', pattern, layer, heads: 4 }))
		);
		expect(contract(s).layers.map((L) => L.attention)).toEqual(patterns.map((pattern) => ({ pattern, heads: 4, masked: true })));
		expect(s.unrecognized).toEqual([]);
		expect(s.attention.map((a) => [a.overridden, a.headsFrom, a.qk])).toEqual([
			[true, 'override', '/layers.0/self_attn/MatMul_output_0'],
			[true, 'override', '/layers.1/self_attn/MatMul_output_0']
		]);
	});

	it('attention moved to another layer by the user', () => {
		const b = buildBlocks({ placement: 'pre' });
		const p0 = b.expected.layers[0].attention!.pattern;
		const s = analyze(b.graph, [{ kind: 'attention', pattern: p0, layer: 1 }]);
		expect(s.layers.map((L) => L.attention?.pattern ?? null)).toEqual([null, p0]);
		expect(s.unrecognized).toContainEqual({
			what: `attention "${b.expected.layers[1].attention!.pattern}"`,
			why: 'displaced from layer 1 by an override'
		});
	});

	it('norms recognition cannot see become norms when the user says so; placement follows', () => {
		const b = buildBlocks({ placement: 'pre', norm: 'custom' });
		expect(analyze(b.graph).variant).toBe('unknown');
		const outs = [...b.expected.layers.flatMap((L) => L.norms.map((n) => n.output)), b.expected.final_norm!.output];
		const s = analyze(
			b.graph,
			outs.map((output) => ({ kind: 'norm', output, normKind: 'layernorm' }))
		);
		expect(contract(s)).toEqual({ variant: 'pre-norm', layers: b.expected.layers, final_norm: b.expected.final_norm });
		expect(s.norms.every((n) => n.overridden && n.spelling === 'MyNorm (override)')).toBe(true);
	});

	it('residual adds with a branch recognition cannot see through; the user names the stream operand', () => {
		const b = buildBlocks({ placement: 'pre', mlp: 'custom' });
		const broken = analyze(b.graph);
		expect(broken.ambiguities[0].what).toBe('residual stream');
		const mlpAdds = b.expected.layers.map((L) => L.residuals[1]);
		const s = analyze(
			b.graph,
			mlpAdds.map((r) => ({ kind: 'residual', output: r.output, stream: r.stream }))
		);
		expect(contract(s)).toEqual({ variant: 'pre-norm', layers: b.expected.layers, final_norm: b.expected.final_norm });
		expect(s.unrecognized).toEqual([]);
		const noStream = analyze(b.graph, [{ kind: 'residual', output: mlpAdds[0].output }]);
		expect(noStream.unrecognized[0].why).toBe(
			"recognition cannot tell the stream operand from the branch here; give `stream` (one of the Add's inputs)"
		);
	});

	it('ignore: "this is not a norm"; unknown tensors in overrides are reported', () => {
		const b = buildBlocks({ placement: 'pre' });
		const s = analyze(b.graph, [
			{ kind: 'ignore', tensor: 'last_hidden_state' },
			{ kind: 'attention', pattern: 'nope' }
		]);
		expect(s.finalNorm).toBe(null);
		expect(s.unrecognized).toEqual([{ what: 'override {"kind":"attention","pattern":"nope"}', why: 'the graph has no tensor "nope"' }]);
		expect(contract(s).layers).toEqual(b.expected.layers);
	});
});
