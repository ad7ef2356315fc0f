// KV-cache inputs: names, empty shapes from the graph / config.json, and feeds that the decoders
// of tests/fixtures/folder/decoders.ts actually run with (onnxruntime-web, WASM).
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { cacheName } from '../../src/lib/analysis/kv-names.js';
import { parseConfig } from '../../src/lib/analysis/hints.js';
import { Graph } from '../../src/lib/onnx/graph.js';
import { encodeModel } from '../../src/lib/onnx/build.js';
import { ModelError } from '../../src/lib/onnx/errors.js';
import { cacheInputs, presentOutputs } from '../../src/lib/runtime/kv-cache.js';
import { modelInputs } from '../../src/lib/runtime/model-inputs.js';
import { defaultInputs } from '../../src/lib/runtime/inputs.js';
import type { CapturedTensor } from '../../src/lib/tensor/store.js';
import { decoder, gqaDecoder, mergedDecoder } from '../fixtures/folder/decoders.js';

async function run(bytes: Uint8Array, feeds: Record<string, CapturedTensor>) {
	const s = await ort.InferenceSession.create(bytes);
	const f: Record<string, ort.Tensor> = {};
	for (const [k, t] of Object.entries(feeds)) f[k] = new ort.Tensor(t.dtype as ort.Tensor.Type, t.data as ort.Tensor.DataType, t.dims);
	const r = await s.run(f);
	await s.release();
	return r;
}

describe('cache names', () => {
	it.each([
		['past_key_values.3.key', { layer: 3, kind: 'key', part: null, io: 'past' }],
		['past_key_values.11.value', { layer: 11, kind: 'value', part: null, io: 'past' }],
		['past_key_values.0.key_value', { layer: 0, kind: 'key_value', part: null, io: 'past' }],
		['past_key_values.1.encoder.value', { layer: 1, kind: 'value', part: 'encoder', io: 'past' }],
		['past_key_values.2.decoder.key', { layer: 2, kind: 'key', part: 'decoder', io: 'past' }],
		['present.5.value', { layer: 5, kind: 'value', part: null, io: 'present' }],
		['past_key', { layer: null, kind: 'key', part: null, io: 'past' }],
		['present_value_1', { layer: 1, kind: 'value', part: null, io: 'present' }],
		['past.0', { layer: 0, kind: 'key_value', part: null, io: 'past' }],
		['cache_v', { layer: null, kind: 'value', part: null, io: 'past' }]
	])('%s', (name, want) => expect(cacheName(name)).toEqual(want));
	it.each(['input_ids', 'attention_mask', 'position_ids', 'logits', 'pastry', 'k_proj'])('%s is not a cache', (n) =>
		expect(cacheName(n)).toBeNull()
	);
});

describe('empty cache shapes', () => {
	it('declared heads and head size (Optimum): [1, H, 0, hd]', () => {
		const c = cacheInputs(new Graph(decoder(true)));
		expect(c.map((x) => [x.name, x.dims])).toEqual([
			['past_key_values.0.key', [1, 2, 0, 8]],
			['past_key_values.0.value', [1, 2, 0, 8]],
			['past_key_values.1.key', [1, 2, 0, 8]],
			['past_key_values.1.value', [1, 2, 0, 8]]
		]);
		expect(presentOutputs(new Graph(decoder(true))).map((p) => `${p.layer}.${p.kind}`)).toEqual(['0.key', '0.value', '1.key', '1.value']);
	});

	it('GroupQueryAttention with symbolic dims: KV heads from kv_num_heads, head size from the packed QKV width', () => {
		const g = new Graph(gqaDecoder({ heads: 4, kvHeads: 2, headSize: 16 }));
		const c = cacheInputs(g);
		expect(c.map((x) => x.dims)).toEqual([
			[1, 2, 0, 16],
			[1, 2, 0, 16]
		]);
		expect(c[0].from).toBe('graph');
		// The generic rules cannot size them: a head dim has no default.
		expect(() => defaultInputs(g, { ids: [1, 2] })).toThrow(ModelError);
	});

	it('config.json fills what the graph does not tell; without either the message names the dim', () => {
		const m = decoder(true, { heads: 2, d: 16 });
		for (const v of m.graph!.input)
			if (v.name.startsWith('past_')) {
				const dims = v.type!.value.value!.shape!.dim;
				dims[1].value = { case: 'dimParam', value: 'num_heads' };
				dims[3].value = { case: 'dimParam', value: 'head_dim' };
			}
		const g = new Graph(m);
		// The graph's own Reshape to (B, S, H, hd) tells it.
		expect(cacheInputs(g)[0].dims).toEqual([1, 2, 0, 8]);
		const gq = gqaDecoder();
		const attrs = gq.graph!.node.find((n) => n.opType === 'GroupQueryAttention')!;
		attrs.attribute = []; // no num_heads / kv_num_heads
		const g2 = new Graph(gq);
		expect(() => cacheInputs(g2)).toThrow(
			/past_key_values\.0\.key" has dim 1 "num_kv_heads" \(KV heads\), which neither the graph nor a config.json tells/
		);
		const hints = parseConfig(JSON.stringify({ model_type: 'llama', num_attention_heads: 4, num_key_value_heads: 2, hidden_size: 64 }));
		expect(cacheInputs(g2, hints).map((x) => [x.dims, x.from])).toEqual([
			[[1, 2, 0, 16], 'config'],
			[[1, 2, 0, 16], 'config']
		]);
	});
});

describe('model inputs', () => {
	it('sources and sizes: mask covers past + text even when its dim is "past_sequence_length + sequence_length"', () => {
		const g = new Graph(mergedDecoder());
		const mi = modelInputs(g, { textIds: [5, 9, 20, 7] });
		expect(mi.sources).toMatchObject({
			input_ids: 'text',
			attention_mask: 'default',
			position_ids: 'default',
			'past_key_values.0.key': 'empty-cache',
			use_cache_branch: 'default'
		});
		expect(mi.feeds.attention_mask.dims).toEqual([1, 4]);
		expect([...(mi.feeds.position_ids.data as BigInt64Array)].map(Number)).toEqual([0, 1, 2, 3]);
		expect(mi.branch).toEqual({ name: 'use_cache_branch', value: false });
		// The generic rule reads "past_..." and gives the mask no columns.
		expect(
			defaultInputs(g, { ids: [5, 9, 20, 7], given: Object.fromEntries(mi.cache.map((c) => [c.name, mi.feeds[c.name]])) }).attention_mask
				.dims
		).toEqual([1, 0]);
		expect(modelInputs(g, { ids: '1,2' }).sources.input_ids).toBe('user');
	});

	it('the decoders run on these feeds, and with and without past (and merged) agree', async () => {
		const ids = { textIds: [5, 9, 20, 7, 11] };
		const outs = [];
		for (const m of [decoder(false), decoder(true), mergedDecoder()]) {
			const g = new Graph(m);
			outs.push(await run(encodeModel(m), modelInputs(g, ids).feeds));
		}
		for (const r of outs.slice(1)) {
			expect(r.logits.dims).toEqual([1, 5, 300]);
			expect([...(r.logits.data as Float32Array)]).toEqual([...(outs[0].logits.data as Float32Array)]);
			expect([...(r['present.1.value'].data as Float32Array)]).toEqual([...(outs[0]['present.1.value'].data as Float32Array)]);
		}
	});

	it('the GQA decoder runs (it failed with "past_key dimension 3 ... got 0 expected 16" when the head size was 0)', async () => {
		const m = gqaDecoder();
		const mi = modelInputs(new Graph(m), { textIds: [3, 1, 4] });
		const r = await run(encodeModel(m), mi.feeds);
		expect(r['present.0.key'].dims).toEqual([1, 2, 3, 16]);
		const bad = {
			...mi.feeds,
			'past_key_values.0.key': { ...mi.feeds['past_key_values.0.key'], dims: [1, 2, 0, 0] },
			'past_key_values.0.value': { ...mi.feeds['past_key_values.0.value'], dims: [1, 2, 0, 0] }
		};
		await expect(run(encodeModel(m), bad)).rejects.toThrow(/dimension 3 should match the packed KV head dimension, got 0 expected 16/);
	});
});
