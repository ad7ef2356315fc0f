// Direct logit attribution on what ORT captured, against the float64 oracle's, on every zoo
// variant whose stream is a plain sum; the parts always sum to the logit.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { analyze } from '../../src/lib/analysis';
import { attribute } from '../../src/lib/report/attribution';
import { ZOO_IDS, VARIANTS, tokenize, type Spelling, type ZooId } from '../../models/zoo/oracle';
import { oracleAttribution } from '../../models/zoo/intervene-oracle';
import { runZoo } from '../../models/zoo/run';

ort.env.wasm.numThreads = 1;

const TEXT = 'the cat sat on the mat';

async function dla(id: ZooId, opts: { target?: number; position?: number } = {}, spelling?: Partial<Spelling>) {
	const { store, graph } = await runZoo(ort, id, tokenize(TEXT), spelling);
	return attribute(graph, analyze(graph), store, opts);
}

describe('direct logit attribution vs oracle', () => {
	for (const id of ZOO_IDS) {
		const linear = VARIANTS[id].family !== 'post-norm' && VARIANTS[id].family !== 'deepnorm';
		it(`${id}${linear ? '' : ' (refused: post-norm)'}`, async () => {
			const got = await dla(id);
			if (!linear) {
				expect('why' in got && got.why).toMatch(/re-normalized or rescaled/);
				return;
			}
			if ('why' in got) throw new Error(got.why);
			const want = oracleAttribution(id, tokenize(TEXT), got.target, got.position);
			expect(got.position).toBe(TEXT.length - 1);
			expect(got.notes).toEqual([]);
			expect(got.components.map((c) => c.name)).toEqual(want.components.map((c) => c.name));
			got.components.forEach((c, i) => expect(Math.abs(c.value - want.components[i].value), c.name).toBeLessThanOrEqual(1e-4));
			expect(Math.abs(got.logit - want.logit)).toBeLessThanOrEqual(1e-4);
			expect(Math.abs(got.sum - got.logit)).toBeLessThanOrEqual(1e-4);
			expect(got.recompose_max_abs_diff).toBeLessThanOrEqual(1e-4);
			// the default target is the model's top prediction there
			expect(want.logit).toBeGreaterThan(0);
		});
	}

	it('another token at another position, heads folded into the batch', async () => {
		const got = await dla('pre-ln', { target: tokenize('a')[0], position: 3 }, { softmax: 'folded', norm: 'decomposed' });
		if ('why' in got) throw new Error(got.why);
		const want = oracleAttribution('pre-ln', tokenize(TEXT), tokenize('a')[0], 3);
		got.components.forEach((c, i) => expect(Math.abs(c.value - want.components[i].value), c.name).toBeLessThanOrEqual(1e-4));
		expect(Math.abs(got.sum - got.logit)).toBeLessThanOrEqual(1e-4);
	});

	it('says why for a position or token out of range', async () => {
		expect(await dla('pre-ln', { position: 99 })).toEqual({ why: expect.stringMatching(/past the sequence/) });
		expect(await dla('pre-ln', { target: 5000 })).toEqual({ why: expect.stringMatching(/not in the vocabulary/) });
	});
});
