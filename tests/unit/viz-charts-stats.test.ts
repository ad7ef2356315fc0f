// The page computes the norm and residual statistics from a plan the worker sends (structure + gamma/beta
// summaries) and the tensors it holds: on every zoo variant this equals what the inspect CLI
// prints (modelStats over the same store and graph), after the plan crossed a structured clone.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { analyze } from '../../src/lib/analysis';
import { finalNormOf, modelStats, normLabel, normsOf, residOf, statsPlan, streamWidth } from '../../src/lib/report';
import { storeOf } from '../../src/lib/tensor';
import { ZOO_IDS, tokenize } from '../../models/zoo/oracle';
import { runZoo } from '../../models/zoo/run';

ort.env.wasm.numThreads = 1;
const tokens = tokenize('the cat sat on the mat');

describe('page-side stats from the worker plan', () => {
	for (const id of ZOO_IDS)
		it(`${id}: equal to modelStats`, async () => {
			const { store, graph } = await runZoo(ort, id, tokens);
			const structure = analyze(graph);
			const want = modelStats(structure, store, graph);
			const plan = structuredClone(statsPlan(graph, structure))!;
			const page = storeOf([...store].map((t) => ({ ...t })));
			expect(residOf(plan, page)).toEqual(want.layers.map((L) => L.resid));
			for (let i = 0; i < want.layers.length; i++) expect(normsOf(plan, i, page)).toEqual(want.layers[i].norms);
			expect(finalNormOf(plan, page)).toEqual(want.final_norm);
			expect(normsOf(plan, 99, page)).toEqual([]);
			expect(streamWidth(plan, page)).toBe(64);
		});

	it('no structure, no plan; labels say kind, order and place', async () => {
		const { graph } = await runZoo(ort, 'pre-ln', tokens);
		expect(statsPlan(graph, null)).toBeNull();
		const s = analyze(graph);
		expect(normLabel(s.layers[0].norms[0], 0)).toBe('LayerNorm 1 · pre-attn');
		expect(normLabel(s.finalNorm!, null)).toBe('final LayerNorm');
	});
});
