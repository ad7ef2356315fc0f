// The backend diff and health panel helpers: the test-only perturbation, the two runs as WebGPU/WASM stores, the
// texts of a diff row, and the health panel's lines (levels: a healthy run has no bad or warn).
import { describe, expect, it } from 'vitest';
import {
	bySide,
	formatPerturb,
	hookMap,
	leadOf,
	otherBackend,
	parsePerturb,
	perturbed,
	storeFrom,
	whereText
} from '../../src/lib/features/diff';
import { healthLines } from '../../src/lib/features/health';
import { diffStores, type Health } from '../../src/lib/report';
import type { ResultMessage } from '../../src/lib/worker/protocol';
import type { CapturedTensor } from '../../src/lib/tensor/store';

const t = (name: string, data: number[], dims = [data.length]): CapturedTensor => ({
	name,
	dims,
	dtype: 'float32',
	data: Float32Array.from(data)
});

describe('perturbation', () => {
	it('parses INDEX,DELTA,TENSOR (the name may hold commas) and round-trips', () => {
		expect(parsePerturb('5,0.25,layer1/pattern')).toEqual({ index: 5, delta: 0.25, tensor: 'layer1/pattern' });
		expect(parsePerturb('0,-1e-3,a,b')).toEqual({ index: 0, delta: -1e-3, tensor: 'a,b' });
		const p = { index: 7, delta: 2, tensor: 'x/y' };
		expect(parsePerturb(formatPerturb(p))).toEqual(p);
		for (const bad of [null, '', 'x', '1,2', '-1,2,a', '1,NaN,a', '1.5,2,a', '1,Infinity,a']) expect(parsePerturb(bad)).toBeNull();
	});

	it('changes a copy of one element; the page data stays as it was', () => {
		const a = t('a', [1, 2, 3]);
		const b = perturbed(a, { tensor: 'a', index: 1, delta: 0.5 });
		expect(Array.from(b.data as Float32Array)).toEqual([1, 2.5, 3]);
		expect(Array.from(a.data as Float32Array)).toEqual([1, 2, 3]);
		expect(perturbed(a, { tensor: 'other', index: 1, delta: 1 })).toBe(a);
		expect(perturbed(a, { tensor: 'a', index: 9, delta: 1 })).toBe(a);
		const ints: CapturedTensor = { name: 'i', dims: [2], dtype: 'int64', data: BigInt64Array.from([1n, 2n]) };
		expect(perturbed(ints, { tensor: 'i', index: 0, delta: 1 })).toBe(ints);
	});

	it('marks the perturbed tensor as the first divergent one, the rest equal', () => {
		const run = [t('x', [1, 2]), t('h', [0.1, 0.2, 0.3, 0.4], [2, 2]), t('y', [3, 4])];
		const d = diffStores(storeFrom(run, { tensor: 'h', index: 3, delta: 0.01 }), storeFrom(run), { seq: 2 });
		expect(d.first).toBe('h');
		expect(d.rows.map((r) => r.over_tolerance)).toEqual([false, true, false]);
		expect(d.rows[1].where?.index).toEqual([1, 1]);
		expect(d.rows[1].where?.token).toBe(1);
	});
});

describe('sides and row texts', () => {
	const result = (backend: 'webgpu' | 'wasm'): ResultMessage =>
		({
			backend,
			tensors: [t('a', [1]), t('b', [2])],
			structure: {
				roles: [
					{ hook: 'blocks.0.hook_resid_pre', layer: 0 },
					{ hook: null, layer: null }
				]
			}
		}) as unknown as ResultMessage;

	it('puts the runs in WebGPU/WASM order, whichever the page ran', () => {
		const g = result('webgpu');
		const w = result('wasm');
		expect(bySide(g, w)).toEqual({ webgpu: g, wasm: w });
		expect(bySide(w, g)).toEqual({ webgpu: g, wasm: w });
		expect(bySide(w, w)).toBeNull(); // never a backend against itself
		expect(bySide(g, null)).toBeNull();
		expect(otherBackend('webgpu')).toBe('wasm');
		expect(otherBackend('wasm')).toBe('webgpu');
	});

	it('names hooks from the roles and prints where the max is', () => {
		expect([...hookMap(result('wasm'), null)]).toEqual([['a', 'blocks.0.hook_resid_pre']]);
		expect(whereText(null, null)).toBe('—');
		expect(whereText({ flat: 5, index: [0, 1, 2], token: 1, a: 0, b: 0 }, ['x', 'cat'])).toBe('[0, 1, 2] · token #1 “cat”');
		expect(whereText({ flat: 5, index: [3, 2], token: null, a: 0, b: 0 }, null)).toBe('[3, 2]');
		expect(leadOf([1, 4, 22, 22], { flat: 0, index: [0, 2, 3, 4], token: 3, a: 0, b: 0 })).toEqual([0, 2]);
		expect(leadOf([22, 64], null)).toEqual([]);
		expect(leadOf([1, 4, 5, 5], null)).toEqual([0, 0]);
	});
});

function healthy(): Health {
	return {
		nonfinite: [],
		first_nonfinite: null,
		first_nonfinite_node: null,
		masked: [{ tensor: 'scores', neg_inf: 10 }],
		masks_known: true,
		softmax_row_sum_max_err: 1e-7,
		softmax_rows: 88,
		softmax_off: [],
		softmax_nonfinite_rows: 0,
		softmax_tolerance: 1e-3,
		zero_rows: [],
		norm_below_eps: [],
		fp16_overflow: [],
		fp16_overflow_counts: [],
		fp16_headroom: [],
		fp16_near_overflow: [],
		nonfinite_initializers: [],
		quantized_weights: [],
		capture: { set: 'all', exposed: 128, fusion: [] },
		tensors_checked: 125
	};
}

describe('health lines', () => {
	it('a healthy causal run: masks are "masked", nothing bad or warn', () => {
		const lines = healthLines(healthy());
		expect(lines.filter((l) => l.level === 'bad' || l.level === 'warn')).toEqual([]);
		expect(lines.find((l) => l.check === 'masked')?.text).toMatch(/Masked: −∞ by design in 1 tensor/);
		expect(lines.find((l) => l.check === 'capture')?.text).toMatch(/“all”: 128 tensors exposed/);
	});

	it('names every problem with its level', () => {
		const h: Health = {
			...healthy(),
			nonfinite: [{ tensor: 'm', nan: 1, inf: 2, pos_inf: 2, neg_inf: 0, hook: null, node: 'm', op: 'MatMul' }],
			first_nonfinite: 'm',
			masks_known: false,
			softmax_off: [{ tensor: 'p', rows: 3, max_err: 1 }],
			softmax_nonfinite_rows: 4,
			zero_rows: [{ tensor: 'p', count: 2, rows: [[0, 0, 1]] }],
			norm_below_eps: [{ norm: 'ln', input: 'x', kind: 'layernorm', eps: 1e-5, hook: null, tokens: [0, 2], min: 0 }],
			fp16_overflow: ['big'],
			fp16_overflow_counts: [{ tensor: 'big', count: 5, max_abs: 1e5 }],
			nonfinite_initializers: [{ name: 'w', nan: 0, inf: 1 }],
			capture: { set: 'all', exposed: 3, fusion: [{ norm: 'ln', kind: 'layernorm', exposed: 2, why: '' }] }
		};
		const by = Object.fromEntries(healthLines(h).map((l) => [l.check, l]));
		expect(by.nonfinite).toMatchObject({ level: 'bad' });
		expect(by.nonfinite.text).toContain('“m”');
		expect(by.masked.level).toBe('warn');
		expect(by.initializers.text).toContain('“w” (1 Inf)');
		expect(by.softmax).toMatchObject({ level: 'bad' });
		expect(by['softmax-nonfinite'].text).toBe('4 attention rows hold NaN or Inf');
		expect(by['zero-rows'].level).toBe('warn');
		expect(by['norm-eps'].text).toMatch(/Variance .* below eps 0.00001 for 2 tokens/);
		expect(by.fp16.text).toContain('“big” (5, max 1.00e+5)');
		expect(by.fusion).toMatchObject({ level: 'info' });
	});
});
