// Recognition on every zoo variant in every spelling, against the zoo's own ground truth
// (zooTensorNames: which tensor is what, per layer, in the inspect contract's shapes).
import { describe, expect, it } from 'vitest';
import { analyze, toInspectJson } from '../../src/lib/analysis';
import { Graph } from '../../src/lib/onnx/graph';
import { SPELLINGS, ZOO_IDS, spellingLabel, zooBuild, zooTensorNames } from '../../models/zoo/oracle';
import { layers3, norm3 } from '../fixtures/ort/contract.js';

describe('recognition on the zoo', () => {
	for (const id of ZOO_IDS)
		for (const spelling of SPELLINGS)
			it(`${id}, ${spellingLabel(spelling)}`, () => {
				const s = analyze(new Graph(zooBuild(id, spelling).model));
				const j = toInspectJson(s);
				const want = zooTensorNames(id, spelling);
				expect(j.variant).toBe(want.variant);
				expect(layers3(j.layers)).toEqual(want.layers.map((L) => ({ attention: L.attention, norms: L.norms, residuals: L.residuals })));
				expect(norm3(j.final_norm)).toEqual(want.final_norm);
				expect([j.unrecognized, j.ambiguities]).toEqual([[], []]);
				// The hook names agree with the zoo's own labels for the same tensors.
				want.layers.forEach((L, i) => {
					expect(s.hookTensors.get(`blocks.${i}.hook_resid_pre`)).toBe(L.resid_pre);
					expect(s.hookTensors.get(`blocks.${i}.attn.hook_pattern`)).toBe(L.pattern);
					expect(s.hookTensors.get(`blocks.${i}.hook_attn_out`)).toBe(L.attn_out);
					expect(s.hookTensors.get(`blocks.${i}.hook_mlp_out`)).toBe(L.mlp_out);
					expect(s.hookTensors.get(`blocks.${i}.hook_resid_post`)).toBe(L.resid_post);
					expect(s.hookTensors.get(`blocks.${i}.hook_resid_mid`) ?? null).toBe(L.resid_mid);
					expect(s.hookTensors.get(`blocks.${i}.ln1.hook_normalized`)).toBe(L.ln1?.output);
					expect(s.hookTensors.get(`blocks.${i}.ln2.hook_normalized`) ?? null).toBe(L.ln2?.output ?? null);
				});
				expect(s.hookTensors.get('ln_final.hook_normalized') ?? null).toBe(want.final_norm?.output ?? null);
			});
});
