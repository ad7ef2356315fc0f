// The rune classes of the diff and chart views, on a real pre-ln run: the backend diff compares the
// page's run with the second worker's and finds a planted difference where it is; without WebGPU it
// says so instead of comparing WASM with itself. The charts' token selection toggles and clamps.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BackendDiffModel, type DiffSource } from '../../src/lib/features/diff';
import { ChartState } from '../../src/lib/features/charts';
import type { ModelSource, ResultMessage } from '../../src/lib/worker/protocol';
import { fakeRuntime, flush, zooResult } from './page-fixtures';

let pre: ResultMessage;
beforeAll(async () => {
	pre = await zooResult('pre-ln');
});
afterEach(() => vi.unstubAllGlobals());

const source: ModelSource = { kind: 'url', url: 'http://localhost/models/pre-ln.onnx', name: 'pre-ln.onnx' };
const page = (result: ResultMessage): DiffSource => ({
	result,
	structure: result.structure,
	budget: 1024,
	key: 'pre-ln',
	source: () => Promise.resolve(source)
});

describe('BackendDiffModel', () => {
	it("runs the page's model on WASM beside its WebGPU run and finds the one perturbed element", async () => {
		const main = { ...pre, backend: 'webgpu' as const };
		const pattern = pre.structure.attention[1].tensor;
		const f = fakeRuntime();
		const m = new BackendDiffModel(
			() => f.runtime,
			() => page(main),
			{ tensor: pattern, index: 5, delta: 0.25 }
		);
		const done = m.sync();
		await flush();
		expect(f.calls()[0]).toEqual({
			kind: 'open',
			source,
			opts: { backend: 'wasm', captureSet: 'all', input: {}, budget: 1024, layer: undefined }
		});
		expect(m.phase).toBe('loading');
		f.answer(0, pre);
		await done;
		const d = m.diff!;
		expect([m.phase, d.compared, d.over, d.first]).toEqual(['ready', pre.tensors.length, 1, pattern]);
		const row = d.rows.find((r) => r.tensor === pattern)!;
		expect(row.hook).toBe('blocks.1.attn.hook_pattern');
		expect(row.max_abs).toBeCloseTo(0.25, 6);
		expect(row.where?.index).toEqual([0, 0, 0, 5]);
		expect(d.rows.filter((r) => r.tensor !== pattern).every((r) => r.max_abs === 0)).toBe(true);
		// The same run again is not re-run; a tolerance above the planted change clears it.
		await m.sync();
		expect(f.calls()).toHaveLength(1);
		m.setTolerance(0.3);
		expect([m.diff?.over, m.diff?.first]).toEqual([0, null]);
	});

	it('says WebGPU is unavailable rather than comparing WASM with itself', async () => {
		vi.stubGlobal('navigator', {});
		const f = fakeRuntime();
		const m = new BackendDiffModel(
			() => f.runtime,
			() => page(pre)
		);
		await m.sync();
		expect([m.phase, m.diff, f.calls().length]).toEqual(['unavailable', null, 0]);
		expect(m.unavailable).toMatch(/navigator.gpu is missing/);
	});
});

describe('ChartState', () => {
	it('selects a token, clears it on a second click, and drops one past a shorter sequence', () => {
		const c = new ChartState();
		c.selectToken(4);
		c.hover(null, 6, 1.5);
		expect([c.token, c.hoverToken, c.hoverX]).toEqual([4, 6, 1.5]);
		c.clamp(5);
		expect([c.token, c.hoverToken]).toEqual([4, null]);
		c.selectToken(4);
		expect(c.token).toBeNull();
		c.selectToken(3);
		c.clamp(3);
		expect(c.token).toBeNull();
	});
});
