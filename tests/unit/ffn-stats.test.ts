// FFN statistics (stats/ffn.ts) against values worked out by hand, and the report (report/ffn.ts,
// report/head-scores.ts) on a run of the zoo against the same kernels applied to the captured tensors.
import { describe, expect, it } from 'vitest';
import {
	approxError,
	deadFraction,
	erf,
	gateSaturation,
	geluExact,
	geluSigmoid,
	geluTanh,
	histogram,
	topUnits,
	zeroFraction
} from '../../src/lib/stats/index.js';
import { inspectModel } from '../../src/cli/run.js';
import { mlpDetails, mlpReports, modelHeadScores } from '../../src/lib/report/index.js';
import { floatsOf } from '../../src/lib/tensor/index.js';
import { mlpActivations } from '../../src/lib/analysis/index.js';
import { constValue } from '../../src/lib/analysis/consts.js';

describe('ffn kernels by hand', () => {
	it('erf: known values (A&S table) and odd symmetry, both branches', () => {
		expect(erf(0)).toBe(0);
		expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 14);
		expect(erf(1)).toBeCloseTo(0.8427007929497149, 14);
		expect(erf(-2)).toBeCloseTo(-0.9953222650189527, 14);
		expect(erf(3.5)).toBeCloseTo(0.9999992569016276, 14);
		expect(erf(Infinity)).toBe(1);
	});

	it('gelu: exact at 1 is Phi(1) = 0.841344746..., the approximations near it', () => {
		expect(geluExact(1)).toBeCloseTo(0.8413447460685429, 12);
		expect(geluTanh(1)).toBeCloseTo(0.5 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * 1.044715)), 14);
		expect(geluSigmoid(1)).toBeCloseTo(1 / (1 + Math.exp(-1.702)), 14);
	});

	it('histogram: 4 bins over [0, 4], the maximum in the last bin, NaN counted aside', () => {
		expect(histogram([0, 1, 1.5, 2, 3.99, 4, NaN], 4)).toEqual({ lo: 0, hi: 4, counts: [1, 2, 1, 2], nonFinite: 1 });
		expect(histogram([2, 2], 3)).toEqual({ lo: 2, hi: 2, counts: [2, 0, 0], nonFinite: 0 });
	});

	it('dead fraction: a unit is dead when it is <= 0 on every token', () => {
		// 3 tokens x 4 units; unit 0 fires once, unit 1 never (0 counts as not firing), unit 2 always, unit 3 never
		const pre = [-1, 0, 2, -3, 0.5, -2, 1, -1, -1, 0, 3, 0];
		expect(deadFraction(pre, 3, 4)).toBe(0.5);
	});

	it('zero fraction: |y| <= 1e-3 max|y|', () => {
		expect(zeroFraction([10, -0.01, 0.011, 0, 5])).toBe(0.4); // tol 0.01: -0.01 and 0
		expect(zeroFraction([0, 0])).toBe(1);
	});

	it('top units per token: largest value first, ties by the lower unit', () => {
		expect(topUnits([1, 3, 3, -1, 0, 2], 2, 3, 2)).toEqual([
			[
				{ unit: 1, value: 3 },
				{ unit: 2, value: 3 }
			],
			[
				{ unit: 2, value: 2 },
				{ unit: 1, value: 0 }
			]
		]);
	});

	it('approximation error: the largest |approx - exact| over the values given, and where', () => {
		const xs = [-1, 0.5, 2];
		const errs = xs.map((x) => Math.abs(geluSigmoid(x) - geluExact(x)));
		const k = errs.indexOf(Math.max(...errs));
		expect(approxError('gelu_sigmoid', xs, 3)).toEqual({ max: errs[k], at: xs[k] });
		expect(approxError('gelu_tanh', [0], 1)).toEqual({ max: 0, at: 0 });
		// the bias is added per unit (last axis) before the function
		const e = (x: number) => Math.abs(geluTanh(x) - geluExact(x));
		expect(approxError('gelu_tanh', [0, 0], 2, [1, 2])).toEqual(e(1) > e(2) ? { max: e(1), at: 1 } : { max: e(2), at: 2 });
		expect(approxError('gelu_erf', xs, 3)).toBeNull();
	});

	it('gate saturation: act(x)/x <= 0.02 is off, >= 0.98 is on, x = 0 left out', () => {
		const pre = [-10, 10, 1, 0];
		const act = pre.map((x) => x / (1 + Math.exp(-x))); // SiLU: ratio sigmoid(x)
		expect(gateSaturation(pre, act)).toEqual({ off: 1 / 3, on: 1 / 3 });
	});
});

describe('the report on a run of the zoo', () => {
	it('pre-ln and pre-rms-swiglu: layers[i].mlp equals the kernels on the captured pre/post; head scores carry induction only on a repeat', async () => {
		const r = await inspectModel({ model: 'models/pre-ln.onnx', text: 'to be or not to be', capture: 'semantic' });
		const st = r.recognition.structure!;
		const reps = mlpReports(r.graph, st, r.store);
		const det = mlpDetails(r.graph, st, r.store);
		expect(reps.map((m) => m?.activation)).toEqual(st.layers.map(() => 'gelu_erf'));
		const m = det[2]!;
		const pre = r.store.get(m.pre)!;
		const [S, F] = pre.dims.slice(-2);
		const x = floatsOf(pre)!;
		const y = floatsOf(r.store.get(m.post)!)!;
		// the post tensor really is GELU of the pre tensor (the names are the right pair)
		for (let i = 0; i < 20; i++) expect(y[i]).toBeCloseTo(geluExact(x[i]), 5);
		expect(m.stats.dead_fraction).toBeCloseTo(deadFraction(x, S, F), 5);
		expect(m.stats.zero_fraction).toBeCloseTo(zeroFraction(y), 5);
		expect(m.stats.approx_max_err).toBeNull();
		expect(m.top[3][0].value).toBe(Math.max(...y.subarray(3 * F, 4 * F)));
		expect(m.hist!.pre.counts.reduce((a, b) => a + b, 0)).toBe(S * F);

		const scores = modelHeadScores(st, r.store, r.tokenIds);
		expect(scores[0]!.every((h) => h.induction === null)).toBe(true);
		const rep = await inspectModel({ model: 'models/pre-ln.onnx', text: 'to be or not to be|to be or not to be|', capture: 'semantic' });
		const withRepeat = modelHeadScores(rep.recognition.structure!, rep.store, rep.tokenIds);
		expect(withRepeat[0]!.every((h) => typeof h.induction === 'number')).toBe(true);

		const sw = await inspectModel({ model: 'models/pre-rms-swiglu.onnx', text: 'to be or not to be', capture: 'semantic' });
		const g = mlpReports(sw.graph, sw.recognition.structure!, sw.store)[0]!;
		expect(g).toMatchObject({ activation: 'silu', gated: true, captured: true });
		const gx = floatsOf(sw.store.get(g.pre)!)!;
		const ga = floatsOf(sw.store.get(g.gate!)!)!;
		const sat = gateSaturation(gx, ga);
		expect(g.stats.gate_saturation!.off).toBeCloseTo(sat.off, 5);
		expect(g.stats.gate_saturation!.on).toBeCloseTo(sat.on, 5);
	}, 60_000);

	it('ORT-fused GPT-2: FastGelu with its bias; the approximation error is that of tanh-GELU on pre + bias', async () => {
		const r = await inspectModel({ model: 'models/gpt2-ort-fused.onnx', text: 'to be or not to be', capture: 'semantic' });
		const m = mlpReports(r.graph, r.recognition.structure!, r.store)[0]!;
		expect(m).toMatchObject({ activation: 'gelu_tanh', op: 'FastGelu', captured: true });
		// tanh-GELU is never more than ~5e-4 from exact GELU (its largest gap, near |x| = 2.7... on any input)
		expect(m.stats.approx_max_err).toBeGreaterThan(0);
		expect(m.stats.approx_max_err).toBeLessThan(5e-4);
		// pre and bias are the op's inputs: tanh-GELU of pre + bias is the op's output, up to float32
		const a = mlpActivations(r.graph, r.recognition.structure!.layers)[0]!;
		const bias = constValue(r.graph, a.bias!)!.data;
		const pre = r.store.get(m.pre)!;
		const F = pre.dims[pre.dims.length - 1];
		const x = floatsOf(pre)!;
		const y = floatsOf(r.store.get(m.post)!)!;
		for (let i = 0; i < x.length; i += 7) expect(y[i]).toBeCloseTo(geluTanh(x[i] + bias[i % F]), 4);
	}, 60_000);
});
