// The debugger's drawing helpers: strided slices, diverging scales, mask decisions, pointer ->
// cell on a cached rect, readouts, list virtualization, URL round trips, and the worker's
// structure info (roles, layers, overrides) from names and dims alone.
import { describe, expect, it } from 'vitest';
import { cellIndex, paintMatrix, slice2d, sliceOf } from '../../src/lib/viz/paint';
import { buildLut, divergingLut, ramp3, parseColor } from '../../src/lib/viz/colors';
import { centredDomain, centredToUnit, maxAbs } from '../../src/lib/viz/diverging';
import { MASK_SCORE, maskTest } from '../../src/lib/viz/mask';
import { cellFromClient } from '../../src/lib/viz/pointer';
import { cellCenter, fitGrid, fitRect } from '../../src/lib/viz/grid';
import { attentionReadout, rowOf, tensorReadout } from '../../src/lib/viz/readout';
import { fmt, numericData, roundedText, valueText } from '../../src/lib/viz/numeric';
import { attentionView, defaultSlice, describeSlice, headCount, tensorView, validSlice } from '../../src/lib/viz/views';
import { scrollToRow, visibleRange } from '../../src/lib/features/tensors';
import { readPage, readParams, writePage, writeParams } from '../../src/lib/app';
import { structureInfo, tryAnalyze } from '../../src/lib/worker/structure';
import { summarize } from '../../src/lib/report';
import { matchExternal } from '../../src/lib/worker/external';
import { Graph, readModel } from '../../src/lib/onnx';
import { TensorStore } from '../../src/lib/tensor/store';
import { defaultInputs } from '../../src/lib/runtime/inputs';
import { tinyAttentionModel } from '../e2e/tiny-model';
import { unplacedSoftmaxModel } from '../e2e/models';
import { externalModel } from './cli-fixtures';

describe('slices', () => {
	const dims = [2, 3, 4];
	const data = Float32Array.from({ length: 24 }, (_, i) => i);

	it('takes any two axes, others held', () => {
		const m = slice2d(data, dims, 1, 2, [1, 0, 0]); // [1, :, :]
		expect(m).toMatchObject({ rows: 3, cols: 4, offset: 12, rowStride: 4, colStride: 1 });
		expect(m.data[cellIndex(m, 2, 3)]).toBe(23);
		const t = slice2d(data, dims, 2, 0, [0, 2, 0]); // [:, 2, :] transposed: rows = axis 2
		expect(t).toMatchObject({ rows: 4, cols: 2 });
		expect(t.data[cellIndex(t, 3, 1)]).toBe(1 * 12 + 2 * 4 + 3);
		expect(() => slice2d(data, dims, 1, 1, [0, 0, 0])).toThrow(/two different axes/);
		expect(() => slice2d(data, dims, 1, 2, [5, 0, 0])).toThrow(/out of range/);
	});

	it('rank 1 is one row, rank 0 one cell', () => {
		expect(slice2d([1, 2, 3], [3], 0, 0, [])).toMatchObject({ rows: 1, cols: 3 });
		expect(slice2d([7], [], 0, 0, [])).toMatchObject({ rows: 1, cols: 1 });
	});

	it('paints strided views and maps values through toUnit', () => {
		const lut = buildLut((t) => `rgb(${Math.round(t * 255)}, 0, 0)`, 256);
		const m = slice2d(Float32Array.from([-2, 0, 2, 1]), [2, 2], 1, 0, [0, 0]); // transposed
		const px = paintMatrix(m, lut, new Uint8ClampedArray(16), undefined, centredToUnit([-2, 2]));
		expect([px[0], px[4], px[8], px[12]]).toEqual([0, 255, 128, 191]); // -2, 2, 0, 1
	});

	it('keeps a slice valid across tensors', () => {
		expect(defaultSlice([1, 4, 5, 5])).toEqual({ rowAxis: 2, colAxis: 3, fixed: [0, 0, 0, 0] });
		expect(validSlice({ rowAxis: 2, colAxis: 3, fixed: [0, 7, 0, 0] }, [1, 4, 5, 5]).fixed).toEqual([0, 3, 0, 0]);
		expect(validSlice({ rowAxis: 2, colAxis: 3, fixed: [0, 0, 0, 0] }, [3, 5])).toEqual(defaultSlice([3, 5]));
		expect(describeSlice([1, 4, 5, 5], { rowAxis: 2, colAxis: 3, fixed: [0, 2, 0, 0] })).toBe('[0, 2, rows, cols]');
	});
});

describe('diverging scale', () => {
	it('is symmetric around 0 and ignores non-finite values', () => {
		const m = { data: [-3, 1, Infinity, NaN], offset: 0, rows: 2, cols: 2 };
		expect(maxAbs(m)).toBe(3);
		expect(centredDomain(m)).toEqual([-3, 3]);
		expect(centredDomain({ data: [0, 0], offset: 0, rows: 1, cols: 2 })).toEqual([-1, 1]);
		const u = centredToUnit([-3, 3]);
		expect([u(-3), u(0), u(3), u(1.5)]).toEqual([0, 0.5, 1, 0.75]);
	});

	it('puts the page colour at the centre and the sign in the hue', () => {
		for (const scheme of ['light', 'dark'] as const) {
			const lut = divergingLut(scheme);
			const at = (i: number) => [...lut.rgba.subarray(i * 4, i * 4 + 3)];
			const [lo, hi] = [at(0), at(255)];
			expect(lo[2]).toBeGreaterThan(lo[0]); // negative: blue
			expect(hi[0]).toBeGreaterThan(hi[2]); // positive: red
		}
		expect(ramp3('#000000', '#808080', '#ffffff')(0.25)).toBe('rgb(64, 64, 64)');
		expect(parseColor(ramp3('#000000', '#808080', '#ffffff')(2))).toEqual([255, 255, 255, 255]);
	});
});

describe('masked cells', () => {
	const scores = { data: [1, -Infinity, 0.5, -1e9], offset: 0, rows: 2, cols: 2 };
	it('come from the scores where captured, else exact zeros, never when no mask was applied', () => {
		const byScores = maskTest(true, scores)!;
		expect([byScores(0.3, 0, 0), byScores(0, 0, 1), byScores(0, 1, 0), byScores(0, 1, 1)]).toEqual([false, true, false, true]);
		expect(maskTest(null, { ...scores, data: [MASK_SCORE, MASK_SCORE + 1, 0, 0] })!(0, 0, 1)).toBe(false);
		expect(maskTest(true, null)!(0, 0, 0)).toBe(true);
		expect(maskTest(true, null)!(1e-30, 0, 0)).toBe(false);
		expect(maskTest(false, scores)).toBeUndefined();
	});
});

describe('pointer -> cell', () => {
	const rect = { left: 100.5, top: 40, width: 220, height: 110 }; // 22 x 11 cells of 10 px
	it('is arithmetic on the cached rect, matching the cell-centre contract', () => {
		for (const [r, c] of [
			[0, 0],
			[10, 21],
			[5, 7]
		]) {
			const p = cellCenter(r, c, { ...rect, rows: 11, cols: 22 });
			expect(cellFromClient(rect.left + p.x, rect.top + p.y, rect, 11, 22)).toEqual({ row: r, col: c });
		}
		expect(cellFromClient(100, 50, rect, 11, 22)).toBeNull();
		expect(cellFromClient(320.5, 50, rect, 11, 22)).toBeNull();
	});

	it('fits 1024 cells into a small box below 1 px per cell when asked', () => {
		expect(fitGrid(1024, 1024, 450, 450, 0)).toEqual({ rows: 1024, cols: 1024, width: 450, height: 450 });
		expect(fitGrid(1024, 1024, 450, 450)).toMatchObject({ width: 1024 }); // default keeps >= 1 px
		expect(fitRect(22, 64, 320, 400)).toEqual({ rows: 22, cols: 64, width: 320, height: 308 }); // rows 14 px
		expect(fitRect(4, 8, 800, 40).height).toBe(40);
	});
});

describe('readouts', () => {
	const pattern = Float32Array.from([1, 0, 0, 0.1, 0.9, 0, 0.2, 0.3, 0.5]);
	const view = { data: pattern, offset: 0, rows: 3, cols: 3 };

	it('attention: exact value text, tokens, row sum, entropy, argmax, masked', () => {
		const r = attentionReadout(view, 1, 2, { layer: 2, head: 1, tokens: ['a', ' ', '<x>'], isMasked: (v, row, col) => col > row });
		expect(r).toMatchObject({ source: 'attention', row: 1, col: 2, value: '0', masked: true });
		const f = Object.fromEntries(r.fields);
		expect(f.query).toBe('#1 “␣”');
		expect(f.key).toBe('#2 “<x>”');
		expect(f.argmax).toBe('#1 “␣”');
		expect(Number(f['row sum'])).toBeCloseTo(1, 6);
		const s = attentionReadout(view, 1, 1, { layer: 0, head: 0, tokens: null });
		expect(s.value).toBe(String(pattern[4])); // 0.8999999761581421: the float32, not 0.9
		expect(s.value).not.toBe('0.9');
	});

	it('tensor: value text from the stored array (int64 exact), row stats', () => {
		const t = { dtype: 'int64' as const, data: BigInt64Array.from([9007199254740993n, 2n]) };
		expect(valueText(t, 0)).toBe('9007199254740993');
		const data = numericData(t);
		const r = tensorReadout({ data, offset: 0, rows: 1, cols: 2 }, 0, 1, {
			name: 'ids',
			where: '[rows, cols]',
			text: (i) => valueText(t, i)
		});
		expect(r.value).toBe('2');
		expect(Object.fromEntries(r.fields)['row max']).toBe(fmt(9007199254740992));
		expect(valueText({ dtype: 'float16', data: Uint16Array.from([0x3c00]) }, 0)).toBe('1');
		expect(Array.from(rowOf(slice2d([1, 2, 3, 4], [2, 2], 1, 0, [0, 0]), 1))).toEqual([2, 4]);
	});

	it('the value field reads rounded; value (data-value) stays the exact float32 text', () => {
		const p = Float32Array.from([0.014222150668501854, 0.9857778549194336]);
		const r = attentionReadout({ data: p, offset: 0, rows: 1, cols: 2 }, 0, 0, { layer: 0, head: 0, tokens: null });
		expect(r.value).toBe(String(p[0])); // 0.014222150668501854
		expect(Object.fromEntries(r.fields).value).toBe('0.01422');
		const t = tensorReadout({ data: p, offset: 0, rows: 1, cols: 2 }, 0, 1, { name: 'x', where: '' });
		expect([t.value, Object.fromEntries(t.fields).value]).toEqual([String(p[1]), '0.9858']);
		// Integers (int64 ids) and non-finite text print as they are.
		expect(['9007199254740993', '-3', 'NaN', 'Infinity', '1.5e-7'].map(roundedText)).toEqual([
			'9007199254740993',
			'-3',
			'NaN',
			'Infinity',
			'1.500e-7'
		]);
	});

	it('formats statistics compactly', () => {
		expect([fmt(0), fmt(1.23456), fmt(-1234567), fmt(NaN), fmt(-Infinity), fmt(0.0001234)]).toEqual([
			'0',
			'1.235',
			'-1.235e+6',
			'NaN',
			'-Inf',
			'1.234e-4'
		]);
	});
});

describe('attention views', () => {
	it('slice batch 0 at the head; folded heads use the first axis', () => {
		const p = { name: 'p', dtype: 'float32' as const, dims: [1, 2, 2, 2], data: Float32Array.from([1, 0, 0.5, 0.5, 1, 0, 0.25, 0.75]) };
		expect(headCount(p.dims)).toBe(2);
		expect(headCount([6, 4, 4])).toBe(6);
		const av = attentionView(p, 1, null, true);
		expect(av.view.offset).toBe(4);
		expect(av.isMasked!(0, 0, 1)).toBe(true);
		expect(av.text(7)).toBe('0.75');
		const tv = tensorView(p, { rowAxis: 2, colAxis: 3, fixed: [0, 1, 0, 0] });
		expect(tv.domain).toEqual([-1, 1]);
		expect(sliceOf(p.data, p.dims, [0, 1]).offset).toBe(tv.view.offset);
	});
});

describe('tensor list virtualization', () => {
	it('renders only the rows on screen (plus a few)', () => {
		const w = visibleRange(36 * 5000, 240, 36, 10_000, 4);
		expect(w.start).toBe(4996);
		expect(w.end - w.start).toBeLessThan(20);
		expect(w.offset).toBe(4996 * 36);
		expect(w.total).toBe(360_000);
		expect(visibleRange(1e9, 240, 36, 10, 4).end).toBe(10);
		expect(visibleRange(0, 240, 36, 0)).toEqual({ start: 0, end: 0, offset: 0, total: 0 });
		expect(scrollToRow(100, 0, 240, 36)).toBe(100 * 36 + 36 - 240);
		expect(scrollToRow(2, 360, 240, 36)).toBe(72);
		expect(scrollToRow(11, 360, 240, 36)).toBe(360);
	});
});

describe('URL', () => {
	it('round-trips the view; defaults stay out', () => {
		const p = readParams(new URLSearchParams('model=post-ln&backend=wasm&layer=2&head=3&text=abc&seed=4&seq=9&ids=1,2'));
		expect(p).toEqual({
			model: 'post-ln',
			backend: 'wasm',
			layer: 2,
			head: 3,
			input: { text: 'abc', ids: '1,2', seq: 9, seed: 4 },
			capture: 'all',
			token: null,
			pin: null,
			tensor: null,
			roles: null
		});
		expect(readParams(writeParams(p))).toEqual(p);
		const d = readParams(new URLSearchParams('layer=-1&head=x&backend=gpu&seq=0'));
		expect(d).toMatchObject({ layer: 0, head: 0, backend: 'auto', input: {} });
		expect(writeParams({ ...d, input: { text: 'the cat sat on the mat' } }).toString()).toBe('layer=0&head=0');
	});

	it('carries role overrides as JSON, keeping only well-formed entries', () => {
		const good = [
			{ kind: 'attention', pattern: 'p', layer: 1, heads: 4, masked: true },
			{ kind: 'norm', output: 'n', input: 'i', normKind: 'rmsnorm', placement: 'pre', sublayer: 'mlp' },
			{ kind: 'residual', output: 'r', stream: 's', sublayer: 'attn' },
			{ kind: 'ignore', tensor: 't' }
		];
		const bad = [
			null,
			3,
			'x',
			[],
			{ kind: 'script' },
			{ kind: 'ignore' },
			{ kind: 'ignore', tensor: '' },
			{ kind: 'ignore', tensor: 't', extra: 1 },
			{ kind: 'attention', pattern: 'p', layer: -1 },
			{ kind: 'attention', pattern: 'p', layer: 1.5 },
			{ kind: 'attention', pattern: 'p', masked: 'yes' },
			{ kind: 'norm', output: 'n', normKind: 'batchnorm' },
			{ kind: 'norm', output: 'n' },
			{ kind: 'residual', output: 'r', sublayer: 'ffn' },
			{ kind: 'attention', pattern: { toString: 1 } }
		];
		const p = readParams(new URLSearchParams({ roles: JSON.stringify([...good, ...bad]) }));
		expect(p.roles).toEqual(good);
		expect(readParams(writeParams(p)).roles).toEqual(good);
		for (const v of ['', 'not json', '{"kind":"ignore","tensor":"t"}', '[]', JSON.stringify(bad)])
			expect(readParams(new URLSearchParams({ roles: v })).roles, v).toBeNull();
		expect(writeParams({ ...p, roles: [] }).has('roles')).toBe(false);
	});

	it('carries the selected token, the pinned cell and the tensor; malformed ones are dropped', () => {
		const p = readParams(new URLSearchParams('model=pre-ln&token=4&pin=3,0&tensor=layer1/q'));
		expect(p).toMatchObject({ token: 4, pin: { row: 3, col: 0 }, tensor: 'layer1/q' });
		expect(readParams(writeParams(p))).toEqual(p);
		expect(writeParams(p).toString()).toBe('model=pre-ln&layer=0&head=0&token=4&pin=3%2C0&tensor=layer1%2Fq');
		for (const bad of ['token=-1&pin=3', 'token=x&pin=a,b', 'token=1.5&pin=1,2,3', 'pin=-1,2'])
			expect(readParams(new URLSearchParams(bad)), bad).toMatchObject({ token: null, pin: null, tensor: null, roles: null });
	});
});

describe('page URL', () => {
	it('owns compare, diff, perturb and budget besides the view, and writes them back as read', () => {
		const q = 'model=post-ln&layer=1&head=0&compare=dyt&budget=3G&diff=1&perturb=5%2C0.25%2Ca%2Cb';
		const p = readPage(new URLSearchParams(q));
		expect(p).toMatchObject({
			model: 'post-ln',
			compare: 'dyt',
			budget: '3G',
			diff: true,
			perturb: { index: 5, delta: 0.25, tensor: 'a,b' }
		});
		expect(writePage(p).toString()).toBe(q);
		// An empty compare= is the model's partner; perturb without diff is kept for when the diff opens, not written.
		expect(readPage(new URLSearchParams('model=post-ln&compare=')).compare).toBe('pre-ln');
		expect(readPage(new URLSearchParams('compare=')).compare).toBe('post-ln');
		const noDiff = readPage(new URLSearchParams('perturb=1,2,x'));
		expect([noDiff.diff, noDiff.perturb]).toEqual([false, { index: 1, delta: 2, tensor: 'x' }]);
		expect(writePage(noDiff).has('perturb')).toBe(false);
	});

	it('an empty model= is no model (the default opens, and the page says so); file= names a local file', () => {
		expect(readPage(new URLSearchParams('model=&compare=pre-ln'))).toMatchObject({ model: null, emptyModel: true, compare: 'pre-ln' });
		expect(readPage(new URLSearchParams('model=&file=my.onnx'))).toMatchObject({ model: null, file: 'my.onnx' });
		expect(readPage(new URLSearchParams('model=&file=my.onnx')).emptyModel).toBeUndefined();
		expect(readPage(new URLSearchParams('model=pre-ln&file=my.onnx')).file).toBeUndefined();
		expect(writePage({ ...readPage(new URLSearchParams('model=')), file: 'x.onnx' }).toString()).toBe('file=x.onnx&layer=0&head=0');
	});
});

describe('worker structure info', () => {
	it('places tensors in layers, names hooks, and follows overrides', () => {
		const g = new Graph(readModel(unplacedSoftmaxModel()));
		const store = new TensorStore();
		for (const t of Object.values(defaultInputs(g, {}))) store.add(t);
		store.add({ name: 'masked_scores', dims: [1, 2, 22, 22], dtype: 'float32', data: new Float32Array(968) });
		store.add({ name: 'pattern', dims: [1, 2, 22, 22], dtype: 'float32', data: new Float32Array(968) });
		store.add({ name: 'bias_pattern', dims: [1, 2, 22, 22], dtype: 'float32', data: new Float32Array(968) });
		const names = [...store.order];
		const a = tryAnalyze(g);
		const before = structureInfo(g, a.structure, a.error, store, names);
		expect(before.layers).toBe(1);
		expect(before.attention.map((x) => x.tensor)).toEqual(['pattern']);
		expect(before.roles[names.indexOf('pattern')]).toEqual({ hook: 'blocks.0.attn.hook_pattern', layer: 0 });
		expect(before.unrecognized.some((n) => n.what.includes('bias_pattern'))).toBe(true);
		const ov = [{ kind: 'attention' as const, pattern: 'bias_pattern', layer: 1 }];
		const b = tryAnalyze(g, ov);
		const after = structureInfo(g, b.structure, b.error, store, names, ov);
		expect(after.layers).toBe(2);
		expect(after.attention.map((x) => [x.layer, x.tensor, x.scores, x.masked])).toEqual([
			[0, 'pattern', 'masked_scores', true],
			[1, 'bias_pattern', 'bias', false]
		]);
		expect(after.overrides).toEqual(ov);
	});

	it('summarizes tensors over finite values, counting the rest', () => {
		expect(summarize({ dtype: 'float32', data: Float32Array.from([1, -Infinity, 3, NaN, Infinity, -Infinity]) })).toEqual({
			min: 1,
			max: 3,
			mean: 2,
			nonFinite: 4,
			nan: 1,
			posInf: 1,
			negInf: 2
		});
		expect(summarize({ dtype: 'int64', data: BigInt64Array.from([2n, 4n]) })).toMatchObject({ min: 2, max: 4, mean: 3 });
		expect(summarize({ dtype: 'float16', data: Uint16Array.from([0x3c00, 0x4000]) })).toMatchObject({ min: 1, max: 2 });
		expect(Number.isNaN(summarize({ dtype: 'float32', data: new Float32Array(0) }).mean)).toBe(true);
	});

	it('pairs external data with the uploaded files, naming what is missing', () => {
		const ext = externalModel();
		const g = new Graph(readModel(ext.model));
		expect(() => matchExternal(g, 'm.onnx', [])).toThrow(/weights\.bin/);
		const got = matchExternal(g, 'm.onnx', [{ name: 'weights.bin', bytes: ext.data.slice().buffer }]);
		expect(got.map((x) => [x.path, x.data.byteLength])).toEqual([['weights.bin', ext.data.byteLength]]);
		expect(() => matchExternal(g, 'm.onnx', [{ name: 'weights.bin', bytes: new ArrayBuffer(4) }])).toThrow(/truncated|bytes/);
		expect(matchExternal(new Graph(readModel(tinyAttentionModel())), 'tiny.onnx', [])).toEqual([]);
	});
});
