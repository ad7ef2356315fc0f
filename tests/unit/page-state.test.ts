// The page's state classes, run in Node on real zoo results (pre-ln and post-ln through the CLI's
// own path): the selection, the runtime session (which request wins, what a failed open leaves),
// the page composed of them (what a URL restores, how the tensor panel follows a layer step, the
// readout of a pinned cell) and the compare view's second model.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Debugger, Selection, readPage, writePage } from '../../src/lib/app';
import { RuntimeSession, latestWins, zooSource } from '../../src/lib/features/model';
import { CompareModel } from '../../src/lib/features/compare';
import { DEFAULT_BROWSER_BUDGET, MiB } from '../../src/lib/runtime/limits';
import type { ResultMessage } from '../../src/lib/worker/protocol';
import type { ZooEntry } from '../../src/lib/worker/zoo';
import { fakeRuntime, flush, zooIndex, zooResult } from './page-fixtures';

const root = new URL('http://localhost/app/');
const settle = async () => {};
let pre: ResultMessage;
let post: ResultMessage;
let zoo: ZooEntry[];

beforeAll(async () => {
	[pre, post] = await Promise.all([zooResult('pre-ln'), zooResult('post-ln')]);
	zoo = await (await zooIndex()).json();
});
beforeEach(() => {
	vi.stubGlobal('window', {}); // the test hook lands here
	vi.stubGlobal('fetch', async () => zooIndex());
});
afterEach(() => vi.unstubAllGlobals());

/** pattern[0, head, row, col] of `layer` in a result. */
function patternAt(r: ResultMessage, layer: number, head: number, row: number, col: number): number {
	const name = r.structure.attention.find((a) => a.layer === layer)!.tensor;
	const t = r.tensors.find((x) => x.name === name)!;
	const [, H, S] = t.dims;
	expect(H).toBe(4);
	return (t.data as Float32Array)[((0 * H + head) * S + row) * S + col];
}

describe('latest request wins', () => {
	it('only the newest request is current; cancel makes all stale', () => {
		const l = latestWins();
		const a = l.next();
		const b = l.next();
		expect([a(), b()]).toEqual([false, true]);
		l.cancel();
		expect(b()).toBe(false);
	});
});

describe('Selection', () => {
	it('keeps the other heatmap hovered, toggles the pin, drops a tensor pin with its tensor', () => {
		const s = new Selection();
		s.hoverAt('tensor', { row: 1, col: 2 });
		s.hoverAt('attention', null);
		expect(s.hover).toEqual({ source: 'tensor', row: 1, col: 2 });
		s.togglePin({ source: 'tensor', row: 1, col: 2 });
		expect(s.cell).toEqual({ source: 'tensor', row: 1, col: 2 });
		s.select('x', [2, 3]);
		expect(s.pin).toBeNull();
		expect(s.slice).toEqual({ rowAxis: 0, colAxis: 1, fixed: [0, 0] });
		s.togglePin({ source: 'attention', row: 0, col: 0 });
		s.togglePin({ source: 'attention', row: 0, col: 0 });
		expect(s.pin).toBeNull();
	});

	it('clamps to what the model has: layer, head, a pin past the sequence, a vanished tensor', () => {
		const s = new Selection();
		Object.assign(s, { layer: 9, head: 7, selected: 'gone', pin: { source: 'attention', row: 30, col: 0 } });
		s.clamp({ layers: 4, heads: 4, dims: () => null, pattern: [1, 4, 22, 22] });
		expect([s.layer, s.head, s.selected, s.pin]).toEqual([3, 0, null, null]);
		s.pin = { source: 'attention', row: 21, col: 21 };
		s.clamp({ layers: 4, heads: 4, dims: () => null, pattern: [1, 4, 22, 22] });
		expect(s.pin).not.toBeNull();
		s.setHead(9, 4);
		expect(s.head).toBe(3);
	});
});

describe('RuntimeSession', () => {
	function session() {
		const f = fakeRuntime();
		const s = new RuntimeSession({ root, connect: () => f.runtime, layer: () => 1, settle });
		s.start({ backend: 'wasm', capture: 'all', input: {}, budget: null });
		s.zoo = zoo;
		return { f, s };
	}

	it('opens a zoo model from the app root, shows progress, then the real run', async () => {
		const { f, s } = session();
		const done = s.openZoo('pre-ln');
		await flush(); // the source is made first (a file is checked against the budget)
		expect(f.calls()).toEqual([
			{
				kind: 'open',
				source: { kind: 'url', url: 'http://localhost/app/models/pre-ln.onnx', name: 'pre-ln.onnx' },
				opts: { backend: 'wasm', captureSet: 'all', input: {}, budget: DEFAULT_BROWSER_BUDGET, layer: 1 }
			}
		]);
		f.progress(0, { stage: 'fetch', message: 'reading', loaded: 512, total: 2048 });
		expect([s.phase, s.fraction]).toEqual(['loading', 0.25]);
		f.answer(0, pre);
		await done;
		expect([s.phase, s.fraction, s.modelKey, s.layers, s.textModel]).toEqual(['ready', null, 'pre-ln', 4, true]);
		expect(s.result?.tokens).toHaveLength(22);
		expect(s.message).toMatch(/^pre-ln\.onnx · capture: all \(\d+ tensors\) · session 12 ms, run 3 ms$/);
		expect(s.health?.first_nonfinite).toBeNull();
	});

	it('the newest request wins, whatever order the answers come in', async () => {
		const { f, s } = session();
		const a = s.rerun({ text: 'a' });
		const b = s.rerun({ text: 'bb' });
		const bResult = await zooResult('pre-ln', { text: 'bb' });
		f.answer(1, bResult);
		f.answer(0, await zooResult('pre-ln', { text: 'a' }));
		await Promise.all([a, b]);
		expect(s.result?.tokens).toEqual(bResult.tokens);
		expect(s.input).toEqual({ text: 'bb' });
	});

	it('a failed open keeps the model shown, and the next run opens it again first', async () => {
		const { f, s } = session();
		const first = s.openZoo('pre-ln');
		await flush();
		f.answer(0, pre);
		await first;
		const other = s.openZoo('post-ln');
		await flush();
		f.progress(1, { stage: 'fetch', message: 'reading post-ln.onnx', loaded: 10, total: 20 });
		f.progress(1, { stage: 'session', message: 'creating session on WebGPU' });
		f.refuse(1, Object.assign(new Error('onnxruntime could not load this model: bad'), { hint: 'try WASM' }));
		await other;
		// The step is the worker's last stage, not the status line's words; the file is the one being opened.
		expect(s.error).toEqual({
			message: 'onnxruntime could not load this model: bad',
			hint: 'try WASM',
			n: 1,
			step: 'session',
			file: 'post-ln'
		});
		expect([s.phase, s.modelId, s.result]).toEqual(['error', 'pre-ln', pre]);
		void s.rerun({ text: 'x' });
		await flush();
		expect(f.calls()[2]).toMatchObject({ kind: 'open', source: { name: 'pre-ln.onnx' }, opts: { input: { text: 'x' } } });
	});

	it('a failed step is named from the worker’s stage: reading before any, running on a re-run', async () => {
		const { f, s } = session();
		const first = s.openZoo('pre-ln');
		await flush();
		f.refuse(0, new Error('not protobuf'));
		await first;
		expect([s.error?.step, s.error?.file]).toEqual(['reading', 'pre-ln']);
		const again = s.openZoo('pre-ln');
		await flush();
		f.answer(1, pre);
		await again;
		expect(s.error).toBeNull();
		const run = s.rerun({ text: 'x' });
		await flush();
		f.progress(2, { stage: 'run', message: 'running on WASM' });
		f.refuse(2, new Error('out of memory'));
		await run;
		expect(s.error).toMatchObject({ message: 'out of memory', step: 'running', file: null, n: 2 });
		expect(s.result).toBe(pre);
		s.fail(new Error('folder unreadable'), 'reading');
		expect(s.error).toMatchObject({ step: 'reading', file: null, n: 3 });
	});

	it('names the zoo when asked for a model it lacks; reads ?budget= as MiB or a size', async () => {
		const { s } = session();
		await s.openZoo('nope');
		expect(s.error?.message).toBe(`No model "nope" in the zoo (have: ${zoo.map((e) => e.id).join(', ')}).`);
		expect([s.error?.step, s.error?.file]).toEqual(['reading', 'nope']);
		s.budgetSetting = '1200';
		expect(s.budgetBytes()).toBe(1200 * MiB);
		s.budgetSetting = '3G';
		expect(s.budgetBytes()).toBe(3 * 1024 * MiB);
		s.budgetSetting = 'lots';
		expect(s.budgetBytes()).toBeNull();
		expect(() => s.budget()).toThrow(/\?budget/);
	});
});

describe('Debugger (the page composed)', () => {
	async function started(query: string) {
		const f = fakeRuntime();
		const d = new Debugger(root, { connect: () => f.runtime, settle });
		const done = d.start(readPage(new URLSearchParams(query)));
		while (!f.calls().length) await flush();
		return { f, d, done };
	}

	it('restores layer, head, pinned cell, tensor and token from the URL, and writes the same URL back', async () => {
		const pattern = pre.structure.attention[2].tensor;
		const q = `model=pre-ln&backend=wasm&layer=2&head=1&token=4&pin=3%2C1&tensor=${encodeURIComponent(pattern)}&compare=post-ln&budget=1500`;
		const { f, d, done } = await started(q);
		expect(f.calls()[0]).toMatchObject({ opts: { layer: 2, budget: 1500 * MiB } });
		f.answer(0, pre);
		await done;
		expect([d.sel.layer, d.sel.head, d.sel.selected, d.charts.token, d.compare]).toEqual([2, 1, pattern, 4, 'post-ln']);
		expect(d.sel.pin).toEqual({ source: 'attention', row: 3, col: 1 });
		expect(writePage(d.params()).toString()).toBe(q);
		// The readout is the captured float32 itself, and row 3 of a softmax sums to 1.
		const r = d.readout!;
		expect(r.value).toBe(String(patternAt(pre, 2, 1, 3, 1)));
		expect(Number(Object.fromEntries(r.fields)['row sum'])).toBeCloseTo(1, 5);
		d.sel.togglePin({ source: 'attention', row: 3, col: 5 });
		expect(d.readout).toMatchObject({ row: 3, col: 5, masked: true, value: '0' });
	});

	it('an empty ?model= opens the default model and says so', async () => {
		const { f, d, done } = await started('model=&compare=pre-ln');
		expect(f.calls()[0]).toMatchObject({ source: zooSource(root, { file: 'pre-ln.onnx' }) });
		f.answer(0, pre);
		await done;
		expect([d.session.modelId, d.session.phase, d.session.error, d.compare]).toEqual(['pre-ln', 'ready', null, 'pre-ln']);
		expect(d.session.note).toBe("The link's model= was empty: opened the default model, pre-ln.");
	});

	it('stepping a layer keeps the same hook in the tensor panel; heads and layers stay in range', async () => {
		const { f, d, done } = await started('model=pre-ln');
		f.answer(0, pre);
		await done;
		const hook = (layer: number) => pre.tensors[pre.structure.roles.findIndex((x) => x.hook === `blocks.${layer}.hook_resid_mid`)].name;
		d.select(hook(0));
		d.setLayer(2);
		expect(d.sel.selected).toBe(hook(2));
		expect(d.roleOf(d.sel.selected!)).toEqual({ hook: 'blocks.2.hook_resid_mid', layer: 2 });
		d.setLayer(99);
		d.setHead(-3);
		expect([d.sel.layer, d.sel.head, d.attention.heads]).toEqual([3, 0, 4]);
		expect(d.tensor?.dims).toEqual([1, 22, 64]);
	});

	it('another model clears the tensor panel and a pin it no longer has', async () => {
		const { f, d, done } = await started('model=pre-ln&pin=21,20');
		f.answer(0, pre);
		await done;
		d.select(pre.tensors[5].name);
		const open = d.session.openZoo('post-ln');
		await flush();
		f.answer(1, await zooResult('post-ln', { text: 'short' }));
		await open;
		expect([d.sel.selected, d.sel.pin, d.attention.pattern?.dims]).toEqual([null, null, [1, 4, 5, 5]]);
		expect(post.structure.layers).toBe(4);
	});
});

describe('CompareModel', () => {
	it('opens B in its own runtime, follows new inputs, and drops answers after closing', async () => {
		const f = fakeRuntime();
		const b = new CompareModel(root, () => f.runtime);
		const entry = zoo.find((e) => e.id === 'post-ln')!;
		const open = b.open(entry, { backend: 'wasm', capture: 'semantic', input: { text: 'ab' } });
		await flush();
		expect(f.calls()[0]).toMatchObject({
			kind: 'open',
			source: { url: 'http://localhost/app/models/post-ln.onnx' },
			opts: { captureSet: 'semantic' }
		});
		f.answer(0, post);
		await open;
		expect([b.phase, b.message, b.view.resid.length, b.view.dModel]).toEqual(['ready', 'post-ln.onnx · wasm', 4, 64]);
		const rerun = b.rerun({ text: 'xy' });
		expect(f.calls()[1]).toEqual({ kind: 'run', input: { text: 'xy' }, layer: undefined });
		b.dispose();
		f.answer(1, pre);
		await rerun;
		expect([b.result, f.disposed]).toEqual([post, true]);
	});
});
