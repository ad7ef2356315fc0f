// MultiHeadAttention (com.microsoft) and ONNX Attention (opset 23) in their published input forms:
// each one-node model is recognized, run on ORT's WASM backend, its pattern recomputed and checked
// against the pattern written from the math, and pattern @ V against the op's own output.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOrt } from '../../src/lib/runtime/node/ort.js';
import type { OrtModule } from '../../src/lib/runtime/capture.js';
import { maxDiff } from '../../models/zoo/run.js';
import { ATTENTION_CASES, caseModel, casePattern } from '../fixtures/ort/attention-ops.js';
import { runFused } from '../fixtures/ort/run.js';
import { Graph } from '../../src/lib/onnx/graph.js';
import { analyze } from '../../src/lib/analysis/index.js';
import { deriveTensors } from '../../src/lib/derive/index.js';
import { storeOf } from '../../src/lib/tensor/index.js';

let ort: OrtModule;
beforeAll(async () => {
	ort = await loadOrt({ threads: 1 });
});

describe('derived patterns of MultiHeadAttention and ONNX Attention', () => {
	for (const c of ATTENTION_CASES.filter((x) => x.ortRuns !== false))
		it(c.name, async () => {
			const { model, feeds } = caseModel(c);
			const r = await runFused(ort, model, feeds);
			const a = r.structure.attention[0];
			expect(a).toMatchObject({ op: c.op, heads: c.H, derived: true });
			expect(r.derived).toHaveLength(1);
			const d = r.derived[0];
			expect(d.skipped).toBeNull();
			expect(d.selfCheck!).toBeLessThan(1e-5);
			const p = r.store.get(a.pattern)!;
			expect(p.dims).toEqual([2, c.H, 4, c.T]);
			expect(maxDiff(p.data as Float32Array, casePattern(c))).toBeLessThan(1e-6);
		});

	// ORT's CPU kernel refuses packed QKV and packed KV (so WASM cannot run them); the layouts are
	// still read from the captured inputs alone, without an output to check against.
	for (const c of ATTENTION_CASES.filter((x) => x.ortRuns === false))
		it(`${c.name} (inputs only: ORT's CPU kernel refuses the form)`, async () => {
			const { model, feeds } = caseModel(c);
			await expect(runFused(ort, model, feeds)).rejects.toThrow(/not implemented for CPU/);
			const graph = new Graph(model);
			const s = analyze(graph);
			const store = storeOf(Object.values(feeds));
			const [d] = deriveTensors(graph, s, store);
			expect([d.skipped, d.selfCheck]).toEqual([null, null]);
			expect(maxDiff(store.get(d.name)!.data as Float32Array, casePattern(c))).toBeLessThan(1e-6);
		});
});
