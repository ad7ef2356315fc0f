// The logit lens on what ORT captured, against the float64 oracle's lens on every zoo variant.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { analyze } from '../../src/lib/analysis';
import { Graph } from '../../src/lib/onnx';
import { buildModel, node, tensorF32, valueInfo, DT } from '../../src/lib/onnx/build';
import { logitLens, lensReader } from '../../src/lib/report/lens';
import { softmax, topK } from '../../src/lib/stats/logits';
import { ZOO_IDS, VOCAB, tokenize, zooBuild } from '../../models/zoo/oracle';
import { oracleLens } from '../../models/zoo/intervene-oracle';
import { runZoo } from '../../models/zoo/run';

ort.env.wasm.numThreads = 1;

const TEXT = 'the cat sat on the mat';

describe('logit lens vs oracle', () => {
	for (const id of ZOO_IDS)
		it(id, async () => {
			const tokens = tokenize(TEXT);
			const { store, graph } = await runZoo(ort, id, tokens);
			const lens = logitLens(graph, analyze(graph), store);
			if ('why' in lens) throw new Error(lens.why);
			expect(lens.vocab).toBe(VOCAB.length);
			expect(lens.missing).toEqual([]);
			const want = oracleLens(id, tokens);
			expect(lens.points.map((p) => `${p.layer}.${p.point}`)).toEqual(want.map((p) => `${p.layer}.${p.point}`));
			lens.points.forEach((pt, i) => {
				expect(pt.top.length).toBe(tokens.length);
				pt.top.forEach((top, pos) => {
					const probs = want[i].probs[pos];
					const sorted = [...probs].sort((a, b) => b - a);
					expect(top.length).toBe(5);
					top.forEach(({ id: t, p }, rank) => {
						// the oracle gives this token this probability, and it is the rank-th largest
						expect(Math.abs(p - probs[t])).toBeLessThanOrEqual(1e-4);
						expect(Math.abs(p - sorted[rank])).toBeLessThanOrEqual(1e-4);
					});
				});
			});
			// The last resid_post read through the lens is the model's own prediction.
			const names = zooBuild(id).names;
			const logits = store.get(names.get('logits')!)!.data as Float32Array;
			const last = lens.points[lens.points.length - 1];
			const V = VOCAB.length;
			last.top.forEach((top, pos) => {
				const p = softmax(logits.subarray(pos * V, (pos + 1) * V));
				expect(top.map((x) => x.id)).toEqual(topK(p, 5).map((x) => x.id));
				top.forEach(({ id: t, p: q }) => expect(Math.abs(q - p[t])).toBeLessThanOrEqual(1e-5));
			});
		});

	it('says why when there is no unembedding', () => {
		const g = new Graph(
			buildModel({
				name: 'mlp',
				opset: 17,
				nodes: [node('MatMul', ['x', 'w'], ['h']), node('Relu', ['h'], ['y'])],
				inputs: [valueInfo('x', DT.FLOAT, [1, 4])],
				outputs: [valueInfo('y', DT.FLOAT, [1, 4])],
				initializers: [tensorF32('w', [4, 4], new Float32Array(16))]
			})
		);
		const r = lensReader(g, analyze(g));
		expect('why' in r && r.why).toMatch(/no recognized block/);
	});
});
