// Head ablation inside fused attention ops (com.microsoft Attention, GroupQueryAttention): the
// op's output [B, S, H*Dh] is z with heads side by side, so the appended Where zeroes (or means)
// one head's slice before the output projection. Checked against the float64 oracle of the zoo's
// fused members with the same slice changed in its z: stream and final norm <= 1e-4.
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../src/lib/onnx/build.js';
import { Graph } from '../../src/lib/onnx/graph.js';
import { bufferOf } from '../../src/lib/onnx/rewrite.js';
import { analyze } from '../../src/lib/analysis/index.js';
import { deriveTensors } from '../../src/lib/derive/index.js';
import { CaptureSession, type OrtModule } from '../../src/lib/runtime/capture.js';
import { loadOrt } from '../../src/lib/runtime/node/ort.js';
import type { TensorStore } from '../../src/lib/tensor/store.js';
import { applyWireEdit, buildEdit, parseHeads, parsePatches, targetOf, type Intervention } from '../../src/lib/intervene/index.js';
import { FUSED_MEMBERS, fusedGpt2Weights, int4LlamaWeights } from '../../models/zoo/fused.js';
import { tokenize } from '../../models/zoo/vocab.js';
import { gpt2Forward, llamaForward, type ZHook } from '../fixtures/ort/oracle.js';
import { diffByHook, int64 } from '../fixtures/ort/run.js';

const ids = tokenize('the cat sat on the mat');
const feeds = {
	input_ids: int64('input_ids', ids),
	attention_mask: int64(
		'attention_mask',
		ids.map(() => 1)
	)
};
const H = 4;

let ort: OrtModule;
beforeAll(async () => {
	ort = await loadOrt({ threads: 1 });
});

async function run(id: string, ivs: Intervention[], clean?: TensorStore) {
	const model = FUSED_MEMBERS.find((m) => m.id === id)!.build();
	const graph = new Graph(model);
	const structure = analyze(graph);
	const edit = ivs.length ? buildEdit({ graph, structure, interventions: ivs, clean: clean!, source: clean }) : null;
	const session = await CaptureSession.create(ort, bufferOf(encodeModel(model)), graph, {
		backend: 'wasm',
		captureSet: 'all',
		edit: edit ? (b) => applyWireEdit(b, edit.wire) : undefined
	});
	try {
		const store = await session.run(feeds);
		deriveTensors(graph, structure, store); // the last Skip sum is recomputed, not a graph tensor
		return { graph, structure, store, edit };
	} finally {
		await session.release();
	}
}

/** The oracle's z hook for ablations: head h's slice of z set to 0 or to its mean over positions. */
function ablating(list: { layer: number; head: number; mode: 'zero' | 'mean' }[]): ZHook {
	return (layer, z) => {
		const S = ids.length;
		const width = z.length / S;
		const hd = width / H;
		for (const a of list.filter((x) => x.layer === layer))
			for (let d = a.head * hd; d < (a.head + 1) * hd; d++) {
				let mean = 0;
				for (let s = 0; s < S; s++) mean += z[s * width + d] / S;
				for (let s = 0; s < S; s++) z[s * width + d] = a.mode === 'zero' ? 0 : mean;
			}
	};
}

const oracles: Record<string, (hook?: ZHook) => ReturnType<typeof gpt2Forward>> = {
	'gpt2-ort-fused': (hook) =>
		gpt2Forward(
			fusedGpt2Weights(),
			ids,
			ids.map(() => 1),
			hook
		),
	'llama-int4-genai': (hook) => llamaForward(int4LlamaWeights(), ids, hook)
};

const keys: Record<string, string> = { 'ln_final.hook_normalized': 'ln_f' };
for (let i = 0; i < 4; i++) {
	keys[`blocks.${i}.hook_resid_mid`] = `L${i}.resid_mid`;
	keys[`blocks.${i}.hook_resid_post`] = `L${i}.resid_post`;
}

describe('ablation inside fused attention ops', () => {
	for (const id of Object.keys(oracles))
		it(`${id}: zero 0.1 and 2.3, mean 1.2, as the oracle does to z's slice`, async () => {
			const clean = await run(id, []);
			const ivs = [...parseHeads('0.1,2.3', 'zero'), ...parseHeads('1.2', 'mean')];
			const t = targetOf(clean.graph, clean.structure, ivs[0]);
			expect(t.heads).toEqual({ count: H, layout: 'BS,HD' });
			expect(clean.graph.producer.get(t.tensor)!.opType).toBe(id === 'gpt2-ort-fused' ? 'Attention' : 'GroupQueryAttention');
			const r = await run(id, ivs, clean.store);
			const want = oracles[id](
				ablating([
					{ layer: 0, head: 1, mode: 'zero' },
					{ layer: 2, head: 3, mode: 'zero' },
					{ layer: 1, head: 2, mode: 'mean' }
				])
			);
			const d = diffByHook(r.structure, r.store, want, keys);
			for (const [hook, e] of Object.entries(d)) expect(e, hook).toBeLessThanOrEqual(1e-4);
			// The ablation did something the clean oracle does not explain.
			const off = diffByHook(r.structure, r.store, oracles[id](), { 'blocks.0.hook_resid_mid': 'L0.resid_mid' });
			expect(off['blocks.0.hook_resid_mid']).toBeGreaterThan(1e-3);
			// z itself: head 1's slice of layer 0 is exactly 0, the other heads' slices as clean.
			const z = r.store.get(t.tensor)!.data as Float32Array;
			const z0 = clean.store.get(t.tensor)!.data as Float32Array;
			const width = z.length / ids.length;
			const hd = width / H;
			for (let i = 0; i < z.length; i++) {
				const head = Math.floor((i % width) / hd);
				expect(z[i], `z[${i}]`).toBe(head === 1 ? 0 : z0[i]);
			}
		}, 60_000);

	it('a patch of one head of a fused hook_z at one position changes only that slice', async () => {
		const id = 'gpt2-ort-fused';
		const clean = await run(id, []);
		// Run B is run A here: the patch must leave every value as it was (the mask is where it should be).
		const r = await run(id, parsePatches('blocks.1.attn.hook_z@head=2@pos=3'), clean.store);
		const t = r.edit!.list[0].tensor;
		expect(Array.from(r.store.get(t)!.data as Float32Array)).toEqual(Array.from(clean.store.get(t)!.data as Float32Array));
		const mask = r.edit!.wire.initializers.find((x) => x.name.startsWith('blockscope.keep.'))!;
		expect(mask.dims.map(Number)).toEqual([1, ids.length, 16 * H]);
		const off = [...mask.rawData].flatMap((k, i) => (k ? [] : [i]));
		expect(off).toEqual(Array.from({ length: 16 }, (_, d) => 3 * 16 * H + 2 * 16 + d));
	}, 60_000);
});
