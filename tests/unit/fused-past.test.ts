// Fused attention with a KV cache: each one-node model (Attention, MultiHeadAttention,
// GroupQueryAttention with a non-empty past) runs on ORT's WASM backend, and its pattern over all
// T = past + new keys is recomputed and checked against the pattern written from the math, and
// pattern @ V against the op's own output.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOrt } from '../../src/lib/runtime/node/ort.js';
import type { OrtModule } from '../../src/lib/runtime/capture.js';
import { maxDiff } from '../../models/zoo/run.js';
import { caseModel, casePattern } from '../fixtures/ort/attention-ops.js';
import { PAST_CASES } from '../fixtures/ort/past-cases.js';
import { runFused } from '../fixtures/ort/run.js';

let ort: OrtModule;
beforeAll(async () => {
	ort = await loadOrt({ threads: 1 });
});

describe('derived patterns with a non-empty past', () => {
	for (const c of PAST_CASES)
		it(c.name, async () => {
			const { model, feeds } = caseModel(c);
			const r = await runFused(ort, model, feeds);
			const a = r.structure.attention[0];
			expect(a).toMatchObject({ op: c.op, heads: c.H, derived: true });
			const d = r.derived[0];
			expect(d.skipped).toBeNull();
			expect(d.selfCheck!).toBeLessThan(1e-5);
			const p = r.store.get(a.pattern)!;
			expect(p.dims).toEqual([c.B ?? 2, c.H, c.S ?? 4, c.T]);
			const want = casePattern(c);
			expect(maxDiff(p.data as Float32Array, want)).toBeLessThan(1e-6);
			// the cached keys take part: the first query of row 0 puts weight on the first cached key in every head
			for (let h = 0; h < c.H; h++) expect(want[h * (c.S ?? 4) * c.T]).toBeGreaterThan(0);
		});
});
