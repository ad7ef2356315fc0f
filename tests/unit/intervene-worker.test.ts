// The worker's what-if path in Node: the clean session runs once for the edit, an edited session
// replaces it, and its runs carry the lens and attribution (checked against the oracle).
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { analyze } from '../../src/lib/analysis';
import { Graph, bufferOf } from '../../src/lib/onnx';
import { encodeModel } from '../../src/lib/onnx/build';
import { CaptureSession } from '../../src/lib/runtime';
import { parseHeads, parsePatches } from '../../src/lib/intervene';
import { editedSession, readouts, type WhatIfRequest } from '../../src/lib/worker/what-if';
import { tokenize, zooBuild } from '../../models/zoo/oracle';
import { oracleAttribution, oracleIntervened } from '../../models/zoo/intervene-oracle';
import { idsFeed } from '../../models/zoo/run';

ort.env.wasm.numThreads = 1;

describe('worker what-if', () => {
	it('an edited session replaces the clean one; lens and attribution of the intervened run', async () => {
		const { model, names } = zooBuild('pre-ln');
		const graph = new Graph(model);
		const structure = analyze(graph);
		const a = tokenize('the cat sat on the mat'),
			b = tokenize('a dog ran in the fog!!');
		const options = { backend: 'wasm' as const, captureSet: 'all' as const };
		const bytes = bufferOf(encodeModel(model));
		const clean = await CaptureSession.create(ort, bytes, graph, options);
		const req: WhatIfRequest = {
			interventions: [...parseHeads('1.1', 'zero'), ...parsePatches('blocks.0.hook_resid_post@pos=2')],
			source: null,
			lens: true,
			attribute: {}
		};
		const { session, list } = await editedSession(ort, clean, bytes, graph, structure, options, idsFeed(a), idsFeed(b), req);
		try {
			const store = await session.run(idsFeed(a));
			const want = oracleIntervened('pre-ln', a, [
				{ kind: 'ablate', layer: 1, head: 1, mode: 'zero' },
				{ kind: 'patch', key: 'L0.resid_post', position: 2, head: null, from: b }
			]).get(names.get('logits')!)!.data64;
			const got = store.get(names.get('logits')!)!.data as Float32Array;
			expect(Math.max(...Array.from(got, (v, i) => Math.abs(v - want[i])))).toBeLessThanOrEqual(1e-4);
			const r = readouts(graph, structure, store, req, list);
			expect(r.list.map((e) => e.spec)).toEqual(['1.1', 'blocks.0.hook_resid_post@pos=2']);
			expect(r.lens).toHaveLength(12);
			expect(r.attribution!.components.find((c) => c.name === 'L1H1')!.value).toBe(0);
			expect(Math.abs(r.attribution!.sum - r.attribution!.logit)).toBeLessThanOrEqual(1e-4);
			// The clean oracle's attribution differs exactly where the head was ablated.
			const cleanDla = oracleAttribution('pre-ln', a, r.attribution!.target, a.length - 1);
			expect(cleanDla.components.find((c) => c.name === 'L1H1')!.value).not.toBe(0);
			// A logit difference: the target's parts minus the foil's, at the same position.
			const foil = (r.attribution!.target + 1) % 20;
			const d = readouts(graph, structure, store, { ...req, attribute: { foil } }, list);
			const f = readouts(graph, structure, store, { ...req, attribute: { target: foil } }, list).attribution!;
			expect(d.attributionFoil).toBe(foil);
			expect(d.attribution!.logit).toBeCloseTo(r.attribution!.logit - f.logit, 5);
			d.attribution!.components.forEach((c, i) =>
				expect(c.value).toBeCloseTo(r.attribution!.components[i].value - f.components[i].value, 5)
			);
			expect(Math.abs(d.attribution!.sum - d.attribution!.logit)).toBeLessThanOrEqual(1e-4);
			// Long inputs: the lens reads the last positions only, the same values as the whole lens there.
			const w = readouts(graph, structure, store, req, list, 4);
			expect([w.lensFrom, w.lensOf]).toEqual([a.length - 4, a.length]);
			expect(w.lens![5].top).toEqual(r.lens![5].top.slice(a.length - 4));
			expect(r.lensFrom).toBe(0);
		} finally {
			await session.release();
		}
	});
});
