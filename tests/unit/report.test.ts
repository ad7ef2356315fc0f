// src/lib/report on hand-built graphs and stores: every value below is worked by hand.
import { describe, expect, it } from 'vitest';
import { Graph, halfToFloat, weightCounts } from '../../src/lib/onnx';
import { buildModel, node, tensorBool, tensorF32, valueInfo, DT } from '../../src/lib/onnx/build';
import { storeOf as storeOfList, type CapturedTensor, type TensorStore } from '../../src/lib/tensor';
import type { AttentionInfo, Layer, NormInfo, ResidualInfo, Structure } from '../../src/lib/analysis';
import {
	diffStores,
	diffTensor,
	differenceMatrix,
	elementDiff,
	health,
	healthProblems,
	maskedByDesign,
	normStats,
	residStats,
	summarize,
	tokenAxis,
	unravel,
	brokenFusions
} from '../../src/lib/report';
import { softmaxRows } from '../../src/lib/stats';

const f32 = (name: string, dims: number[], data: number[]): CapturedTensor => ({
	name,
	dims,
	dtype: 'float32',
	data: Float32Array.from(data)
});
const f64 = (name: string, dims: number[], data: number[]): CapturedTensor => ({
	name,
	dims,
	dtype: 'float64',
	data: Float64Array.from(data)
});
const storeOf = (...ts: CapturedTensor[]): TensorStore => storeOfList(ts);

function normInfo(p: Partial<NormInfo>): NormInfo {
	return {
		kind: 'layernorm',
		form: 'fused',
		spelling: '',
		input: 'x',
		output: 'y',
		last: 'y',
		eps: 0.5,
		gamma: null,
		beta: null,
		alpha: null,
		scale: null,
		nodes: [],
		...p
	};
}

// A graph holding the norm parameters (statistics read them from the initializers).
const paramGraph = new Graph(
	buildModel({
		name: 'params',
		nodes: [node('Identity', ['x'], ['y'])],
		inputs: [valueInfo('x', DT.FLOAT, [1, 2, 4])],
		outputs: [valueInfo('y', DT.FLOAT, [1, 2, 4])],
		initializers: [tensorF32('gamma', [4], [1, 2, -2, 0.5]), tensorF32('beta', [4], [0, 0, 3, -4])]
	})
);

describe('norm statistics of a recognized norm', () => {
	// Two tokens: [1, 2, 3, 4] (mean 2.5, var 1.25, ms 7.5) and [2, 2, 2, 2] (mean 2, var 0, ms 4).
	const x = f32('x', [1, 2, 4], [1, 2, 3, 4, 2, 2, 2, 2]);
	const y = f32('y', [1, 2, 4], [-1, -1, 1, 1, 0, 0, 0, 0]);
	const store = storeOf(x, y);

	it('LayerNorm: mean, var, scale 1/sqrt(var + eps), output moments, gamma/beta from the initializers', () => {
		const s = normStats(normInfo({ gamma: 'gamma', beta: 'beta' }), store, paramGraph);
		expect(s.mean).toEqual([2.5, 2]);
		expect(s.var).toEqual([1.25, 0]);
		expect(s.ms).toBeNull();
		expect(s.scale![0]).toBeCloseTo(1 / Math.sqrt(1.75), 12);
		expect(s.scale![1]).toBeCloseTo(Math.SQRT2, 12); // 1/sqrt(0 + 0.5)
		expect(s.out_mean).toEqual([0, 0]);
		expect(s.out_var).toEqual([1, 0]);
		expect(s.eps).toBe(0.5);
		expect(s.alpha).toBeNull();
		expect('saturation' in s).toBe(false);
		expect(s.gamma).toEqual({ name: 'gamma', size: 4, norm: Math.sqrt(9.25), min: -2, max: 2 });
		expect(s.beta).toEqual({ name: 'beta', size: 4, norm: 5, min: -4, max: 3 });
		expect(s.missing).toEqual([]);
	});

	it('RMSNorm: mean square and its scale; no mean/var, no beta', () => {
		const s = normStats(normInfo({ kind: 'rmsnorm', eps: 0.5, gamma: 'gamma' }), store, paramGraph);
		expect([s.mean, s.var]).toEqual([null, null]);
		expect(s.ms).toEqual([7.5, 4]);
		expect(s.scale![0]).toBeCloseTo(1 / Math.sqrt(8), 12);
		expect(s.scale![1]).toBeCloseTo(1 / Math.sqrt(4.5), 12);
		expect(s.beta).toBeNull();
	});

	it('DyT: saturation with alpha, no eps, no mean/var/ms/scale', () => {
		// alpha 1: |tanh(x)| > 0.95 iff |x| > 1.83 -> token 0: 2, 3, 4 (3/4); token 1: all four
		const s = normStats(normInfo({ kind: 'dyt', eps: null, alpha: 1, gamma: 'gamma', beta: 'beta' }), store, paramGraph);
		expect(s.saturation).toEqual([0.75, 1]);
		expect([s.mean, s.var, s.ms, s.scale, s.eps, s.alpha]).toEqual([null, null, null, null, null, 1]);
		expect(s.out_var).toEqual([1, 0]);
	});

	it('a tensor that was not captured gives nulls and is named in `missing`', () => {
		const s = normStats(normInfo({ output: 'gone', last: 'gone' }), storeOf(x), paramGraph);
		expect(s.mean).toEqual([2.5, 2]);
		expect([s.out_mean, s.out_var]).toEqual([null, null]);
		expect(s.missing).toEqual(['gone']);
		const t = normStats(normInfo({ input: 'absent' }), storeOf(y), paramGraph);
		expect([t.mean, t.var, t.scale]).toEqual([null, null, null]);
		expect(t.out_var).toEqual([1, 0]);
	});

	it('a norm whose output is a graph output behind an Identity falls back to its own last tensor', () => {
		const s = normStats(normInfo({ output: 'public', last: 'y' }), store, paramGraph);
		expect(s.out_var).toEqual([1, 0]);
	});
});

function residual(p: Partial<ResidualInfo>): ResidualInfo {
	return {
		node: 0,
		output: '',
		stream: '',
		base: '',
		alpha: null,
		branch: '',
		from: '',
		sublayer: 'attn',
		attention: null,
		attnPart: null,
		mlpPart: null,
		...p
	};
}
function layer(p: Partial<Layer>): Layer {
	return {
		index: 0,
		attention: null,
		norms: [],
		residuals: [],
		variant: 'pre-norm',
		reason: null,
		alpha: null,
		input: null,
		output: null,
		nameHint: null,
		...p
	};
}

describe('residual stream of one block', () => {
	// Tokens are 2-vectors; norms: [3,4] -> 5, [6,8] -> 10, [0,1] -> 1, [0,2] -> 2.
	const t = (name: string, a: number[], b: number[]) => f32(name, [1, 2, 2], [...a, ...b]);
	const store = storeOf(
		t('x0', [3, 4], [6, 8]),
		t('a', [0, 1], [0, 2]),
		t('h', [3, 5], [6, 10]),
		t('m', [1, 0], [0, 5]),
		t('x1', [4, 5], [6, 15]),
		t('ln1', [0, 2], [2, 0]),
		t('ln2', [1, 1], [1, 1]),
		t('ax0', [6, 8], [12, 16]),
		t('b', [1, 1], [0, 7])
	);

	it('pre-norm: stream norms at pre/mid/post and ||branch|| / ||stream before the add||', () => {
		const L = layer({
			input: 'x0',
			output: 'x1',
			residuals: [
				residual({ output: 'h', stream: 'x0', base: 'x0', branch: 'a', sublayer: 'attn' }),
				residual({ output: 'x1', stream: 'h', base: 'h', branch: 'm', sublayer: 'mlp' })
			]
		});
		const r = residStats(L, store);
		expect(r.pre).toEqual([5, 10]);
		expect(r.mid![0]).toBeCloseTo(Math.sqrt(34), 6);
		expect(r.post![1]).toBeCloseTo(Math.sqrt(261), 5);
		expect(r.attn_ratio).toEqual([0.2, 0.2]);
		expect(r.mlp_ratio![0]).toBeCloseTo(1 / Math.sqrt(34), 6);
		expect(r.both_ratio).toBeNull();
		expect(r.measured_at).toBe('stream');
		expect(r.before_norm).toBeNull();
		expect(r.tensors).toEqual({ pre: 'x0', mid: 'h', post: 'x1' });
	});

	it('post-norm: pre/mid/post are the LN outputs; before_norm holds the sums before each LN', () => {
		const L = layer({
			variant: 'post-norm',
			input: 'x0',
			output: 'ln2',
			residuals: [
				residual({ output: 'h', stream: 'x0', base: 'x0', branch: 'a', sublayer: 'attn' }),
				residual({ output: 'x1', stream: 'ln1', base: 'ln1', branch: 'm', sublayer: 'mlp' })
			]
		});
		const r = residStats(L, store);
		expect(r.measured_at).toBe('after-norm');
		expect(r.tensors).toEqual({ pre: 'x0', mid: 'ln1', post: 'ln2' });
		expect(r.mid).toEqual([2, 2]);
		expect(r.post![0]).toBeCloseTo(Math.SQRT2, 6);
		expect(r.before_norm!.tensors).toEqual({ mid: 'h', post: 'x1' });
		expect(r.before_norm!.mid![0]).toBeCloseTo(Math.sqrt(34), 6);
		expect(r.before_norm!.post![0]).toBeCloseTo(Math.sqrt(41), 6);
		expect(r.mlp_ratio).toEqual([0.5, 2.5]); // ||m|| / ||ln1||: 1/2, 5/2
	});

	it("DeepNorm: the ratio divides by the add's stream operand alpha * x", () => {
		const L = layer({
			variant: 'deepnorm',
			input: 'x0',
			output: 'ln2',
			residuals: [residual({ output: 'h', stream: 'ax0', base: 'x0', alpha: 2, branch: 'a', sublayer: 'attn' })]
		});
		expect(residStats(L, store).attn_ratio).toEqual([0.1, 0.1]);
	});

	it('parallel: no mid; each ratio divides by ||x||; both_ratio is the whole update', () => {
		const L = layer({
			variant: 'parallel',
			input: 'x0',
			output: 'x1',
			residuals: [residual({ output: 'x1', stream: 'x0', base: 'x0', branch: 'b', sublayer: 'both', attnPart: 'a', mlpPart: 'm' })]
		});
		const r = residStats(L, store);
		expect(r.mid).toBeNull();
		expect(r.tensors.mid).toBeNull();
		expect(r.attn_ratio).toEqual([0.2, 0.2]);
		expect(r.mlp_ratio).toEqual([0.2, 0.5]);
		expect(r.both_ratio![0]).toBeCloseTo(Math.SQRT2 / 5, 6);
		expect(r.both_ratio![1]).toBeCloseTo(0.7, 6);
		expect(r.ratios.both).toEqual({ branch: 'b', stream: 'x0' });
	});

	it('tensors that were not captured give null series', () => {
		const L = layer({ input: 'nope', output: 'x1', residuals: [residual({ output: 'h', stream: 'x0', base: 'x0', branch: 'gone' })] });
		const r = residStats(L, store);
		expect(r.pre).toBeNull();
		expect(r.attn_ratio).toBeNull();
		expect(r.post).not.toBeNull();
	});
});

// A one-head attention with a Where mask and what follows it:
//   qk = x @ w;  scores = qk / c;  masked = Where(keep, scores, -inf);  pattern = Softmax(masked)
//   z = pattern @ x;  y = z * big;  n = LayerNorm-ish input "x" (declared below as a norm on x)
const maskGraph = new Graph(
	buildModel({
		name: 'mask',
		nodes: [
			node('MatMul', ['x', 'w'], ['qk'], {}, { name: 'qk_mm' }),
			node('Div', ['qk', 'c'], ['scores'], {}, { name: 'scale' }),
			node('Where', ['keep', 'scores', 'neg_inf'], ['masked'], {}, { name: 'mask' }),
			node('Softmax', ['masked'], ['pattern'], { axis: -1 }, { name: 'softmax' }),
			node('MatMul', ['pattern', 'x'], ['z'], {}, { name: 'pv' }),
			node('Mul', ['z', 'big'], ['y'], {}, { name: 'grow' })
		],
		inputs: [valueInfo('x', DT.FLOAT, [1, 2, 2])],
		outputs: [valueInfo('y', DT.FLOAT, [1, 2, 2])],
		initializers: [
			tensorF32('w', [2, 2], [1, 0, 0, 1]),
			tensorF32('c', [], [2]),
			tensorBool('keep', [2, 2], [1, 0, 1, 1]),
			tensorF32('neg_inf', [], [-Infinity]),
			tensorF32('big', [], [Infinity])
		]
	})
);
const attention: AttentionInfo = {
	pattern: 'pattern',
	scores: 'masked',
	qk: 'qk',
	softmax: 3,
	heads: 1,
	headsFrom: null,
	layout: 'BHSS',
	masks: [{ op: 'Where', tensor: 'keep', kinds: ['causal'] }],
	masked: true,
	scale: 0.5,
	rope: false,
	softcap: false
} as AttentionInfo;
function structureOf(p: Partial<Structure> = {}): Structure {
	return {
		variant: 'unknown',
		layers: [],
		finalNorm: null,
		embedNorm: null,
		attention: [attention],
		norms: [],
		residuals: [],
		hooks: new Map([['masked', 'blocks.0.attn.hook_attn_scores']]),
		hookTensors: new Map(),
		semantic: [],
		unrecognized: [],
		ambiguities: [],
		derived: [],
		...p
	};
}
const healthy = () => [
	f32('x', [1, 2, 2], [1, 2, 3, 4]),
	f32('qk', [1, 2, 2], [1, 2, 3, 4]),
	f32('scores', [1, 2, 2], [0.5, 1, 1.5, 2]),
	f32('masked', [1, 2, 2], [0.5, -Infinity, 1.5, 2]),
	f32('pattern', [1, 2, 2], [1, 0, 0.4, 0.6]),
	f32('z', [1, 2, 2], [1, 2, 2.2, 3.2]),
	f32('y', [1, 2, 2], [1, 2, 2.2, 3.2])
];
const replace = (ts: CapturedTensor[], t: CapturedTensor) => ts.map((u) => (u.name === t.name ? t : u));

describe('masks', () => {
	it('the mask side and the scores after the mask op are masked by design; Q/K and the pattern are not', () => {
		expect([...maskedByDesign(maskGraph, structureOf())].sort()).toEqual(['keep', 'masked', 'neg_inf']);
		expect(maskedByDesign(maskGraph, null).size).toBe(0);
	});
});

describe('health', () => {
	it('a healthy run: mask -inf counted as masked, nothing non-finite, rows sum to 1', () => {
		const h = health(maskGraph, structureOf(), storeOf(...healthy()), { initializers: false });
		expect(h.nonfinite).toEqual([]);
		expect(h.first_nonfinite).toBeNull();
		expect(h.masked).toEqual([{ tensor: 'masked', neg_inf: 1 }]);
		expect(h.softmax_rows).toBe(2);
		expect(h.softmax_row_sum_max_err).toBeLessThan(1e-6); // 0.4f + 0.6f
		expect(h.tensors_checked).toBe(7);
		expect(healthProblems(h)).toEqual([]);
	});

	it('without recognition the same -inf is the first non-finite tensor (nothing is excused)', () => {
		const h = health(maskGraph, null, storeOf(...healthy()), { initializers: false });
		expect(h.masks_known).toBe(false);
		expect(h.first_nonfinite).toBe('masked');
		expect(h.nonfinite[0]).toMatchObject({ tensor: 'masked', nan: 0, inf: 1, neg_inf: 1, node: 'mask', op: 'Where' });
	});

	it('the first non-finite tensor in graph order, the node that made it, and why', () => {
		let ts = replace(healthy(), f32('z', [1, 2, 2], [1, NaN, 2, 3]));
		ts = replace(ts, f32('y', [1, 2, 2], [Infinity, NaN, -Infinity, 3]));
		const h = health(maskGraph, structureOf(), storeOf(...ts), { initializers: false });
		expect(h.nonfinite.map((e) => [e.tensor, e.nan, e.inf, e.pos_inf, e.neg_inf])).toEqual([
			['z', 1, 0, 0, 0],
			['y', 1, 2, 1, 1]
		]);
		expect(h.first_nonfinite).toBe('z');
		expect(h.first_nonfinite_node).toMatchObject({ tensor: 'z', node: 'pv', op: 'MatMul' });
		expect(h.first_nonfinite_node!.inputs).toEqual([
			{ name: 'pattern', source: 'captured', nan: 0, inf: 0 },
			{ name: 'x', source: 'captured', nan: 0, inf: 0 }
		]);
		expect(h.first_nonfinite_node!.why).toMatch(/MatMul "pv" produced it from finite inputs/);
		expect(healthProblems(h)[0]).toMatch(/^first non-finite tensor "z" \(1 NaN\)/);
	});

	it('an input that is a non-finite initializer is named; the initializer scan lists it (mask constants aside)', () => {
		const ts = replace(healthy(), f32('y', [1, 2, 2], [Infinity, Infinity, Infinity, Infinity]));
		const h = health(maskGraph, structureOf(), storeOf(...ts));
		expect(h.first_nonfinite).toBe('y');
		expect(h.first_nonfinite_node!.inputs[1]).toEqual({ name: 'big', source: 'initializer', nan: 0, inf: 1 });
		expect(h.first_nonfinite_node!.why).toBe('Mul "grow" read initializer "big" holding 1 Inf');
		expect(h.nonfinite_initializers).toEqual([{ name: 'big', nan: 0, inf: 1 }]); // neg_inf is the mask's fill
	});

	it('-inf before the mask op, and NaN in the masked scores, are anomalies', () => {
		const a = health(maskGraph, structureOf(), storeOf(...replace(healthy(), f32('scores', [1, 2, 2], [0.5, -Infinity, 1.5, 2]))), {
			initializers: false
		});
		expect(a.first_nonfinite).toBe('scores');
		const b = health(maskGraph, structureOf(), storeOf(...replace(healthy(), f32('masked', [1, 2, 2], [NaN, -Infinity, 1.5, 2]))), {
			initializers: false
		});
		expect(b.first_nonfinite).toBe('masked');
		expect(b.nonfinite[0]).toMatchObject({ nan: 1, inf: 0 });
		expect(b.masked).toEqual([{ tensor: 'masked', neg_inf: 1 }]);
	});

	it('softmax rows off by more than 1e-3, non-finite rows and all-zero rows', () => {
		const ts = replace(healthy(), f32('pattern', [1, 1, 3, 2], [1, 0, 0.4, 0.59, 0, 0]));
		const h = health(maskGraph, structureOf(), storeOf(...ts), { initializers: false });
		expect(h.softmax_rows).toBe(3);
		expect(h.softmax_row_sum_max_err).toBeCloseTo(1, 6);
		expect(h.softmax_off).toEqual([{ tensor: 'pattern', rows: 2, max_err: 1 }]);
		expect(h.zero_rows).toEqual([{ tensor: 'pattern', count: 1, rows: [[0, 0, 2]] }]);
		expect(healthProblems(h)).toEqual(['softmax rows off by more than 0.001: pattern (2 rows, max |sum - 1| 1.00)']);
		const small = health(maskGraph, structureOf(), storeOf(...replace(healthy(), f32('pattern', [1, 2, 2], [1, 0, 0.4, 0.5995]))), {
			initializers: false
		});
		expect(small.softmax_off).toEqual([]);
		expect(small.softmax_row_sum_max_err).toBeCloseTo(5e-4, 6);
	});

	it('softmaxRows: a NaN row is counted apart, not as an error size', () => {
		expect(softmaxRows([0.5, 0.5, NaN, 1, 0, 0], 2)).toEqual({ rows: 3, max_err: 1, off: 1, nonfinite: 1, zero: [2] });
		expect(softmaxRows([0.25, 0.75], 2, 1e-3)).toEqual({ rows: 1, max_err: 0, off: 0, nonfinite: 0, zero: [] });
	});

	it('summarize: min/max/mean over finite values, NaN and infinities counted; 16-bit floats and int64 decoded', () => {
		expect(summarize(f32('x', [6], [1, NaN, Infinity, -Infinity, -Infinity, -3]))).toEqual({
			min: -3,
			max: 1,
			mean: -1,
			nonFinite: 4,
			nan: 1,
			posInf: 1,
			negInf: 2
		});
		// float16 bits: 0x3c00 = 1, 0xc000 = -2, 0x7c00 = +inf; bfloat16 bits: 0x4040 = 3, 0x3f00 = 0.5
		expect(summarize({ dtype: 'float16', data: Uint16Array.from([0x3c00, 0xc000, 0x7c00]) })).toMatchObject({
			min: -2,
			max: 1,
			mean: -0.5,
			posInf: 1
		});
		expect(summarize({ dtype: 'bfloat16', data: Uint16Array.from([0x4040, 0x3f00]) })).toMatchObject({
			min: 0.5,
			max: 3,
			mean: 1.75,
			nonFinite: 0
		});
		expect(summarize({ dtype: 'int64', data: BigInt64Array.from([5n, -7n]) })).toMatchObject({ min: -7, max: 5, mean: -1 });
		const none = summarize(f32('n', [2], [NaN, NaN]));
		expect([none.min, none.max, none.mean, none.nan]).toEqual([NaN, NaN, NaN, 2]);
	});

	it('fp16 overflow: |x| > 65504, except the large negatives that fill a mask', () => {
		let ts = replace(healthy(), f32('masked', [1, 2, 2], [0.5, -1e9, 1.5, 2]));
		ts = replace(ts, f64('z', [1, 2, 2], [1, -70000, 65504, 2]));
		const h = health(maskGraph, structureOf(), storeOf(...ts), { initializers: false });
		expect(h.fp16_overflow).toEqual(['z']);
		expect(h.fp16_overflow_counts).toEqual([{ tensor: 'z', count: 1, max_abs: 70000 }]);
		expect(h.first_nonfinite).toBeNull();
	});

	it('norm inputs whose variance (or mean square) is below eps, or zero with eps 0', () => {
		const norms = [normInfo({ input: 'x', output: 'y', eps: 1e-5 }), normInfo({ kind: 'rmsnorm', input: 'qk', output: 'z', eps: 0 })];
		let ts = replace(healthy(), f32('x', [1, 2, 2], [3, 3, 1, 2])); // token 0: var 0
		ts = replace(ts, f32('qk', [1, 2, 2], [1, 2, 0, 0])); // token 1: ms 0 with eps 0
		const h = health(maskGraph, structureOf({ norms, hooks: new Map([['y', 'blocks.0.ln1.hook_normalized']]) }), storeOf(...ts), {
			initializers: false
		});
		expect(h.norm_below_eps).toEqual([
			{ norm: 'y', input: 'x', kind: 'layernorm', eps: 1e-5, hook: 'blocks.0.ln1.hook_normalized', tokens: [0], min: 0 },
			{ norm: 'z', input: 'qk', kind: 'rmsnorm', eps: 0, hook: null, tokens: [1], min: 0 }
		]);
	});

	it('capture set, exposed count, and a decomposed norm whose inner tensors were exposed', () => {
		// Pretend nodes 1..2 (scale, mask) form a decomposed LayerNorm whose last tensor is "masked".
		const norm = normInfo({ form: 'decomposed', input: 'qk', output: 'masked', last: 'masked', nodes: [1, 2] });
		expect(brokenFusions(maskGraph, structureOf({ norms: [norm] }), ['scores', 'masked'])).toEqual([
			expect.objectContaining({
				norm: 'masked',
				kind: 'layernorm',
				exposed: 1,
				why: expect.stringMatching(/keeps ORT from fusing it into LayerNormalization/)
			})
		]);
		expect(brokenFusions(maskGraph, structureOf({ norms: [norm] }), ['masked'])).toEqual([]);
		expect(brokenFusions(maskGraph, structureOf({ norms: [{ ...norm, form: 'fused' }] }), ['scores'])).toEqual([]);
		const h = health(maskGraph, structureOf({ norms: [norm] }), storeOf(...healthy()), {
			capture: 'all',
			exposed: ['scores', 'masked', 'qk']
		});
		expect(h.capture).toMatchObject({ set: 'all', exposed: 3 });
		expect(h.capture.fusion).toHaveLength(1);
	});
});

describe('layout helpers', () => {
	it('unravel and the token axis', () => {
		expect(unravel(0, [2, 3, 4])).toEqual([0, 0, 0]);
		expect(unravel(23, [2, 3, 4])).toEqual([1, 2, 3]);
		expect(unravel(13, [2, 3, 4])).toEqual([1, 0, 1]);
		expect(tokenAxis([1, 22, 64], 22)).toBe(1);
		expect(tokenAxis([1, 4, 22, 22], 22)).toBe(2);
		expect(tokenAxis([4, 22, 22], 22)).toBe(1);
		expect(tokenAxis([1, 22, 4, 16], 22)).toBe(1);
		expect(tokenAxis([1, 22, 64], null)).toBeNull();
		expect(tokenAxis([64], 22)).toBeNull();
	});
});

describe('backend diff', () => {
	const ids: CapturedTensor = { name: 'ids', dims: [1, 3], dtype: 'int64', data: BigInt64Array.from([1n, 2n, 3n]) };
	const base = () => [
		ids,
		f32('mask', [3, 3], [0, -Infinity, -Infinity, 0, 0, -Infinity, 0, 0, 0]),
		f32('h', [1, 3, 4], [0.1, 0.2, 0.3, 0.4, 1, 2, 3, 4, -1, -2, -3, -4]),
		f32('both_nan', [2], [NaN, 1]),
		f32('big', [2], [1000, 1]),
		f32('later', [1, 3, 2], [0, 0, 0, 0, 0, 0])
	];

	it('identical runs: every row compared, nothing over tolerance, equal -inf and NaN are no difference', () => {
		const d = diffStores(storeOf(...base()), storeOf(...base()), { seq: 3 });
		expect(d.rows.map((r) => [r.tensor, r.status, r.max_abs, r.over_tolerance])).toEqual([
			['ids', 'compared', 0, false],
			['mask', 'compared', 0, false],
			['h', 'compared', 0, false],
			['both_nan', 'compared', 0, false],
			['big', 'compared', 0, false],
			['later', 'compared', 0, false]
		]);
		expect([d.first, d.compared, d.over, d.tolerance]).toEqual([null, 6, 0, 1e-4]);
	});

	it('a perturbed run marks the first divergent tensor in graph order, with where the max is (index and token)', () => {
		const b = base();
		const h = b[2].data.slice() as Float32Array;
		h[9] += 1e-3; // [0, 2, 1]: token 2
		h[4] += 2e-5; // token 1, under tolerance
		const later = Float32Array.from([0, 0, 0, 5, 0, 0]);
		const other = storeOf(...replace(replace(b, { ...b[2], data: h }), { ...b[5], data: later }));
		const d = diffStores(storeOf(...base()), other, { seq: 3, hooks: new Map([['h', 'blocks.0.hook_resid_pre']]) });
		expect(d.first).toBe('h');
		expect(d.over).toBe(2);
		const row = d.rows.find((r) => r.tensor === 'h')!;
		expect(row.hook).toBe('blocks.0.hook_resid_pre');
		expect(row.over).toBe(1);
		expect(row.max_abs).toBeCloseTo(1e-3, 6);
		expect(row.max_rel).toBeCloseTo(1e-3 / 2.001, 6);
		expect(row.where).toMatchObject({ flat: 9, index: [0, 2, 1], token: 2, a: -2 });
		expect(row.first_over).toMatchObject({ flat: 9, token: 2 });
		expect(d.rows.find((r) => r.tensor === 'later')!.where).toMatchObject({ index: [0, 1, 1], token: 1, a: 0, b: 5 });
		// A looser tolerance moves the start of the divergence to the later tensor.
		expect(diffStores(storeOf(...base()), other, { tolerance: 1e-2 }).first).toBe('later');
	});

	it('over tolerance is relative above 1: |a - b| > tol * max(1, |a|, |b|)', () => {
		const a = f32('v', [3], [1000, 1, 0.5]);
		expect(diffTensor(a, f32('v', [3], [1000.0625, 1, 0.5])).over).toBe(0); // 0.0625 < 0.1
		expect(diffTensor(a, f32('v', [3], [1000.25, 1, 0.5])).over).toBe(1);
		expect(diffTensor(a, f32('v', [3], [1000, 1.0002, 0.5])).over).toBe(1);
		expect(diffTensor(a, f32('v', [3], [1000, 1, 0.50005])).over).toBe(0);
	});

	it('non-finite on one side only is an infinite difference; shapes that differ are over tolerance', () => {
		expect([
			elementDiff(-Infinity, -Infinity),
			elementDiff(NaN, NaN),
			elementDiff(Infinity, -Infinity),
			elementDiff(NaN, 1),
			elementDiff(2, 1.5)
		]).toEqual([0, 0, Infinity, Infinity, 0.5]);
		const r = diffTensor(f32('m', [2], [-Infinity, 0]), f32('m', [2], [-3e38, 0]));
		expect([r.max_abs, r.max_rel, r.over, r.over_tolerance]).toEqual([Infinity, Infinity, 1, true]);
		const s = diffTensor(f32('s', [1, 2], [1, 2]), f32('s', [2, 1], [1, 2]));
		expect([s.status, s.over_tolerance]).toEqual(['shape', true]);
	});

	it('tensors only one run has are listed but never the first divergence', () => {
		const d = diffStores(storeOf(ids, f32('x', [1], [1])), storeOf(ids, f32('y', [1], [2])));
		expect(d.rows.map((r) => [r.tensor, r.status])).toEqual([
			['ids', 'compared'],
			['x', 'only-a'],
			['y', 'only-b']
		]);
		expect([d.first, d.compared]).toEqual([null, 1]);
		expect(diffStores(storeOf(ids), storeOf(ids), { order: ['nope', 'ids'] }).rows.map((r) => r.tensor)).toEqual(['ids']);
	});

	it('difference matrix for the heatmap: last two axes at one lead index, NaN where only one side is non-finite', () => {
		// [1, 2 heads, 2, 2]
		const a = f32('p', [1, 2, 2, 2], [1, 0, 0.5, 0.5, -Infinity, 0, 1, 2]);
		const b = f32('p', [1, 2, 2, 2], [1, 0, 0.5, 0.5, -Infinity, 0.25, NaN, 1.5]);
		const m0 = differenceMatrix(a, b);
		expect([m0.rows, m0.cols, m0.lead, Array.from(m0.data), m0.max_abs]).toEqual([2, 2, [0, 0], [0, 0, 0, 0], 0]);
		const m1 = differenceMatrix(a, b, [0, 1]);
		expect(Array.from(m1.data)).toEqual([0, -0.25, NaN, 0.5]);
		expect(m1.max_abs).toBe(0.5);
		expect(() => differenceMatrix(a, b, [0, 2])).toThrow(/outside axis 1/);
		expect(differenceMatrix(f32('v', [3], [1, 2, 3]), f32('v', [3], [1, 2, 4]))).toMatchObject({ rows: 1, cols: 3, lead: [] });
	});
});

describe('NaN/Inf in the weights, read from raw_data in place', () => {
	// Bytes at an odd offset of a larger buffer, as raw_data is a view into the model file.
	function raw(bytes: Uint8Array): Uint8Array {
		const file = new Uint8Array(bytes.byteLength + 3);
		file.set(bytes, 3);
		return file.subarray(3);
	}
	const specials = [NaN, Infinity, -Infinity, -NaN, 0, -0, 1e-45, 3.4e38, -1, 65504, 65520, 1e300];
	const values = Array.from({ length: 300 }, (_, i) =>
		i % 7 === 0 ? specials[(i / 7) % specials.length] : Math.sin(i) * 10 ** ((i % 9) - 4)
	);
	const expected = (xs: ArrayLike<number>) => ({
		nan: Array.from(xs).filter((v) => v !== v).length,
		inf: Array.from(xs).filter((v) => Math.abs(v) === Infinity).length
	});

	it('counts float32, float64 and float16 like decoding them would', () => {
		const f32s = Float32Array.from(values);
		const f64s = Float64Array.from(values);
		// NaNs whose only set mantissa bit is in the lowest byte (not the canonical NaN).
		new Uint32Array(f32s.buffer).set([0x7f800001, 0xff800100], 1);
		new BigUint64Array(f64s.buffer).set([0x7ff0000000000001n, 0xfff0000000000100n], 1);
		const halves = Uint16Array.from(values.map((_, i) => [0x7c00, 0xfc00, 0x7e00, 0x7c01, 0x3c00, 0x0001][i % 6]));
		const cases = [
			{ dataType: DT.FLOAT, bytes: new Uint8Array(f32s.buffer), want: expected(f32s) },
			{ dataType: DT.DOUBLE, bytes: new Uint8Array(f64s.buffer), want: expected(f64s) },
			{ dataType: DT.FLOAT16, bytes: new Uint8Array(halves.buffer), want: expected(Array.from(halves, halfToFloat)) }
		];
		for (const c of cases) {
			const t = tensorF32('w', [values.length], []);
			t.dataType = c.dataType;
			t.rawData = raw(c.bytes);
			expect(c.want.nan + c.want.inf).toBeGreaterThan(10);
			expect(weightCounts(t)).toEqual(c.want);
			expect(weightCounts(t)).toBe(weightCounts(t)); // counted once, then cached
		}
	});
});
