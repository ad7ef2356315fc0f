// The zoo's fused members (ORT-optimized GPT-2, genai-style int4 LLaMA): listed after the healthy
// members, committed byte for byte as built, and on the default text every derived pattern, norm
// output and stream tensor matches the float64 oracle.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../src/lib/onnx/build.js';
import { loadOrt } from '../../src/lib/runtime/node/ort.js';
import type { OrtModule } from '../../src/lib/runtime/capture.js';
import { FUSED_MEMBERS, fusedGpt2Weights, int4LlamaWeights } from '../../models/zoo/fused.js';
import { zooIndex } from '../../models/zoo/files.js';
import { ZOO_IDS } from '../../models/zoo/config.js';
import { tokenize } from '../../models/zoo/vocab.js';
import { gpt2Forward, llamaForward } from '../fixtures/ort/oracle.js';
import { diffByHook, int64, runFused } from '../fixtures/ort/run.js';

const ids = tokenize('the cat sat on the mat');
let ort: OrtModule;
beforeAll(async () => {
	ort = await loadOrt({ threads: 1 });
});

describe('fused zoo members', () => {
	it('are listed after the healthy members, and the committed files are what the builders write', () => {
		const order = zooIndex().map((e) => e.id);
		expect(order.slice(0, ZOO_IDS.length + 2)).toEqual([...ZOO_IDS, 'gpt2-ort-fused', 'llama-int4-genai']);
		for (const m of FUSED_MEMBERS) {
			const built = Buffer.from(encodeModel(m.build()));
			expect(Buffer.compare(built, encodeModel(m.build()))).toBe(0); // deterministic
			expect(Buffer.compare(readFileSync(new URL(`../../models/${m.id}.onnx`, import.meta.url)), built)).toBe(0);
		}
	});

	const oracles = {
		'gpt2-ort-fused': () =>
			gpt2Forward(
				fusedGpt2Weights(),
				ids,
				ids.map(() => 1)
			),
		'llama-int4-genai': () => llamaForward(int4LlamaWeights(), ids)
	};
	for (const m of FUSED_MEMBERS)
		it(`${m.id}: patterns, norms and stream match the oracle on the default text`, async () => {
			const r = await runFused(ort, m.build(), {
				input_ids: int64('input_ids', ids),
				attention_mask: int64(
					'attention_mask',
					ids.map(() => 1)
				)
			});
			expect(r.structure.layers).toHaveLength(4);
			const keys: Record<string, string> = { 'ln_final.hook_normalized': 'ln_f' };
			for (let i = 0; i < 4; i++) {
				keys[`blocks.${i}.attn.hook_pattern`] = `L${i}.pattern`;
				keys[`blocks.${i}.ln1.hook_normalized`] = `L${i}.ln1`;
				keys[`blocks.${i}.hook_resid_mid`] = `L${i}.resid_mid`;
				keys[`blocks.${i}.ln2.hook_normalized`] = `L${i}.ln2`;
				keys[`blocks.${i}.hook_resid_post`] = `L${i}.resid_post`;
			}
			const d = diffByHook(r.structure, r.store, oracles[m.id as keyof typeof oracles](), keys);
			for (const [hook, e] of Object.entries(d)) expect(e, hook).toBeLessThanOrEqual(1e-4);
			for (const x of r.derived.filter((x) => x.kind === 'pattern')) expect(x.selfCheck!).toBeLessThan(1e-5);
		}, 60_000);
});
