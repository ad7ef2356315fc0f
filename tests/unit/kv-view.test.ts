// present.* outputs of KV-cache models: their hook names (blocks.{i}.attn.hook_k / hook_v next to
// the ONNX names), the per-head layout the K/V view reads, GQA's query-to-KV head mapping, and
// each position's norm, on the zoo's onnxruntime-genai LLaMA (4 query heads over 2 KV heads) run
// through the CLI's pipeline.
import { beforeAll, describe, expect, it } from 'vitest';
import { inspectModel, type InspectResult } from '../../src/cli/run';
import { buildReport } from '../../src/cli/report';
import { analyze, cacheName, presentHook } from '../../src/lib/analysis';
import { Graph } from '../../src/lib/onnx/graph';
import { gqaDecoder } from '../fixtures/folder/decoders';
import { kvHeadFor, kvLayout, kvTensorsOf, positionNorms, type KvLayout } from '../../src/lib/features/kv';
import { numericData } from '../../src/lib/tensor';

let r: InspectResult;
beforeAll(async () => {
	r = await inspectModel({ model: 'models/llama-int4-genai.onnx', ids: '5,17,3,9,22,1', threads: 1 });
}, 60_000);

describe('present.* hooks', () => {
	it('names present.{i}.key/.value (and packed, seq2seq, layerless spellings) TransformerLens-like', () => {
		expect(presentHook('present.3.key', 4)).toBe('blocks.3.attn.hook_k');
		expect(presentHook('present.0.value', 4)).toBe('blocks.0.attn.hook_v');
		expect(presentHook('present.2.key_value', 4)).toBe('blocks.2.attn.hook_kv');
		expect(presentHook('present.1.encoder.key', 2)).toBe('blocks.1.cross_attn.hook_k');
		expect(presentHook('present_value', 1)).toBe('blocks.0.attn.hook_v');
		expect(presentHook('present_value', 2)).toBeNull(); // which layer? not guessed
		expect(presentHook('past_key_values.0.key', 2)).toBeNull(); // an input
		expect(presentHook('logits', 2)).toBeNull();
		expect(cacheName('present.1.value')).toMatchObject({ layer: 1, kind: 'value', io: 'present' });
	});

	it("the genai LLaMA: every layer's GroupQueryAttention present_key/present_value are hook_k and hook_v, in the CLI JSON too", () => {
		const st = r.recognition.structure!;
		const layers = st.layers.length;
		expect(layers).toBe(4);
		const gqa = (i: number, o: number) => `/model/layers.${i}/GroupQueryAttention_output_${o}`;
		for (let i = 0; i < layers; i++) {
			expect(st.hookTensors.get(`blocks.${i}.attn.hook_k`)).toBe(gqa(i, 1));
			expect(st.hookTensors.get(`blocks.${i}.attn.hook_v`)).toBe(gqa(i, 2));
			expect(r.recognition.hookOf(gqa(i, 1))).toBe(`blocks.${i}.attn.hook_k`);
		}
		const j = buildReport(r) as { tensors: { name: string; hook: string | null }[] };
		expect(j.tensors.find((t) => t.name === gqa(0, 2))?.hook).toBe('blocks.0.attn.hook_v');
	});

	it("a decoder's graph outputs present.{i}.key/.value are its layers' hook_k/hook_v", () => {
		const s = analyze(new Graph(gqaDecoder()));
		expect(s.hookTensors.get('blocks.0.attn.hook_k')).toBe('present.0.key');
		expect(s.hookTensors.get('blocks.0.attn.hook_v')).toBe('present.0.value');
		expect(s.semantic).toContain('present.0.key');
	});
});

describe('the K/V view', () => {
	it('reads [B, H_kv, S, d_head], maps 4 query heads onto 2 KV heads, and norms each position', () => {
		const hookTensors = [...r.recognition.structure!.hookTensors];
		const names = kvTensorsOf(hookTensors, 1)!;
		expect(names).toEqual({
			key: '/model/layers.1/GroupQueryAttention_output_1',
			value: '/model/layers.1/GroupQueryAttention_output_2',
			packed: null
		});
		expect(kvTensorsOf(hookTensors, 99)).toBeNull();
		const k = r.store.get(names.key!)!;
		const layout = kvLayout(k.dims, false) as KvLayout;
		expect([layout.heads, layout.seq]).toEqual([2, 6]); // past length 0: this run's 6 positions
		expect(k.dims).toEqual([1, 2, 6, layout.dHead]);
		expect([0, 1, 2, 3].map((q) => kvHeadFor(q, 4, 2))).toEqual([0, 0, 1, 1]);
		expect(kvHeadFor(5, 4, 2)).toBe(1);
		expect(kvHeadFor(1, null, 2)).toBe(1);
		// Norms against the flat data read with explicit [0, h, s, d] indexing.
		const x = numericData(k);
		for (const h of [0, 1]) {
			const got = positionNorms(k, layout, h);
			for (let s = 0; s < 6; s++) {
				let sum = 0;
				for (let d = 0; d < layout.dHead; d++) sum += x[((0 * 2 + h) * 6 + s) * layout.dHead + d] ** 2;
				expect(got[s]).toBeCloseTo(Math.sqrt(sum), 10);
				expect(got[s]).toBeGreaterThan(0);
			}
		}
		// The two KV heads hold different keys.
		expect(positionNorms(k, layout, 0)[3]).not.toBe(positionNorms(k, layout, 1)[3]);
	});

	it('reads a packed [2, B, H, S, d] past.{i} and names any other layout instead of guessing', () => {
		const dims = [2, 1, 2, 3, 4];
		const data = Float32Array.from({ length: 48 }, (_, i) => i);
		const t = { name: 'present.0', dims, dtype: 'float32' as const, data };
		const layout = kvLayout(dims, true) as KvLayout;
		expect([layout.heads, layout.seq, layout.dHead]).toEqual([2, 3, 4]);
		// values (part 1), head 1, position 2: elements 24 + 12 + 8 .. 44+3
		const base = 24 + 12 + 8;
		expect(positionNorms(t, layout, 1, 1)[2]).toBeCloseTo(Math.hypot(base, base + 1, base + 2, base + 3), 10);
		expect(kvLayout([1, 6, 32], false)).toMatch(/shape \[1, 6, 32\] is not laid out as \[batch, heads, positions, head size\]/);
	});
});
