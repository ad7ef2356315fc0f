import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { buildModel, encodeModel, node, tensorF32, valueInfo, DT } from '../../src/lib/onnx/build';
import { Graph, readModel, bufferOf, ModelError } from '../../src/lib/onnx';
import { CaptureSession } from '../../src/lib/runtime';
import { DEFAULT_SEQ, defaultInputs, dimRule, encodeText, tokenLabels, tokenInput } from '../../src/lib/runtime';
import { floatToHalf } from '../../src/lib/onnx';
import { VOCAB, floatModel, tokenModel } from './cli-fixtures';

ort.env.wasm.numThreads = 1;

const graphOf = (bytes: Uint8Array) => new Graph(readModel(bytes));

/** A graph that only declares inputs (each passed through an Identity so the graph is valid). */
function declared(
	inputs: ReturnType<typeof valueInfo>[],
	extra: Parameters<typeof buildModel>[0]['nodes'] = [],
	inits: ReturnType<typeof tensorF32>[] = []
) {
	return graphOf(
		encodeModel(
			buildModel({
				name: 'decl',
				nodes: [...inputs.map((v) => node('Identity', [v.name], [`${v.name}_out`])), ...extra],
				inputs,
				outputs: inputs.map((v) => valueInfo(`${v.name}_out`, 0 as DT, null)),
				initializers: inits
			})
		)
	);
}

describe('defaultInputs: token models', () => {
	it('turns text into ids, one per character, unknown characters -> 0', () => {
		const g = graphOf(tokenModel());
		expect(tokenInput(g)?.name).toBe('input_ids');
		const f = defaultInputs(g, { text: 'the cat!' });
		expect(f.input_ids.dims).toEqual([1, 8]);
		expect(f.input_ids.dtype).toBe('int64');
		expect(Array.from(f.input_ids.data as BigInt64Array, Number)).toEqual([10, 5, 4, 1, 3, 2, 10, 0]);
		expect(encodeText('mason', VOCAB)).toEqual([6, 2, 9, 8, 7]);
	});

	it('uses the default text, clipped to blockscope.max_seq', () => {
		expect(defaultInputs(graphOf(tokenModel())).input_ids.dims).toEqual([1, 22]); // "the cat sat on the mat"
		const f = defaultInputs(graphOf(tokenModel(5)));
		expect(Array.from(f.input_ids.data as BigInt64Array, Number)).toEqual([10, 5, 4, 1, 3]);
	});

	it('cycles the text to --seq, and takes explicit ids', () => {
		const f = defaultInputs(graphOf(tokenModel()), { text: 'ab', seq: 5 });
		expect(Array.from(f.input_ids.data as BigInt64Array, Number)).toEqual([2, 0, 2, 0, 2]);
		const g = defaultInputs(graphOf(tokenModel()), { ids: '3, 1,4' });
		expect(Array.from(g.input_ids.data as BigInt64Array, Number)).toEqual([3, 1, 4]);
		expect(() => defaultInputs(graphOf(tokenModel()), { ids: '3,x' })).toThrow(ModelError);
		expect(() => defaultInputs(graphOf(tokenModel()), { text: '' })).toThrow(/empty/);
	});

	it('labels heatmap axes with the characters', () => {
		const g = graphOf(tokenModel());
		expect(tokenLabels(g, defaultInputs(g, { text: 'a cat?' }))).toEqual(['a', ' ', 'c', 'a', 't', '<unk>']);
	});

	it('feeds ORT: the token model runs on what defaultInputs builds', async () => {
		const bytes = tokenModel();
		const g = graphOf(bytes);
		const s = await CaptureSession.create(ort, bufferOf(bytes), g, { backend: 'wasm', captureSet: 'none' });
		const store = await s.run(defaultInputs(g, { text: 'the mat' }));
		expect(store.get('probs')!.dims).toEqual([1, 7, 8]);
		await s.release();
	});
});

describe('defaultInputs: other inputs', () => {
	it('is deterministic: same seed, same data; another seed, other data', () => {
		const g = graphOf(floatModel());
		const a = defaultInputs(g, { seed: 7 });
		const b = defaultInputs(g, { seed: 7 });
		const c = defaultInputs(g, { seed: 8 });
		expect(a.x.data).toEqual(b.x.data);
		expect(a.x.data).not.toEqual(c.x.data);
		expect(a.x.dims).toEqual([1, DEFAULT_SEQ, 4]);
		// The mask shares the symbolic dims and is all ones.
		expect(a.attention_mask.dims).toEqual([1, DEFAULT_SEQ]);
		expect(Array.from(a.attention_mask.data as BigInt64Array)).toEqual(new Array(DEFAULT_SEQ).fill(1n));
		// Roughly standard normal (64 samples).
		const xs = Array.from(a.x.data as Float32Array);
		const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
		expect(Math.abs(mean)).toBeLessThan(0.5);
		expect(Math.max(...xs.map(Math.abs))).toBeLessThan(5);
	});

	it('takes dims from given tensors and --seq', () => {
		const g = graphOf(floatModel());
		const given = { x: { name: 'x', dims: [2, 3, 4], dtype: 'float32' as const, data: new Float32Array(24) } };
		const f = defaultInputs(g, { given });
		expect(f.x).toBe(given.x);
		expect(f.attention_mask.dims).toEqual([2, 3]);
		expect(defaultInputs(g, { seq: 5 }).x.dims).toEqual([1, 5, 4]);
		expect(Object.keys(f)).toEqual(['x', 'attention_mask']); // the model's input order
	});

	it('names dims by rule: batch 1, seq 16, past 0, other counts 1, feature sizes refused', () => {
		expect(['batch', 'batch_size', 'N'].map(dimRule)).toEqual(['batch', 'batch', 'batch']);
		expect(['seq', 'sequence_length', 'total_sequence_length', 'num_tokens'].map(dimRule)).toEqual(['seq', 'seq', 'seq', 'seq']);
		expect(['past_sequence_length', 'past_key_len'].map(dimRule)).toEqual(['past', 'past']);
		expect(['hidden_size', 'num_heads', 'd_model', 'height'].map(dimRule)).toEqual(['feature', 'feature', 'feature', 'feature']);
		expect(dimRule('unk__12')).toBe('other');
		const g = declared([
			valueInfo('past_key', DT.FLOAT, ['batch', 4, 'past_sequence_length', 8]),
			valueInfo('position_ids', DT.INT64, ['batch', 'seq']),
			valueInfo('token_type_ids', DT.INT32, ['batch', 'seq']),
			valueInfo('extra', DT.FLOAT, ['unk__3', 2])
		]);
		const f = defaultInputs(g, { seq: 4 });
		expect(f.past_key.dims).toEqual([1, 4, 0, 8]);
		expect(Array.from(f.position_ids.data as BigInt64Array, Number)).toEqual([0, 1, 2, 3]);
		expect(f.token_type_ids.data).toEqual(new Int32Array(4));
		expect(f.extra.dims).toEqual([1, 2]);
	});

	it('a dim with no sensible default is a clear error naming the input and the dim', () => {
		const g = declared([valueInfo('hidden_states', DT.FLOAT, ['batch', 'seq', 'hidden_size'])]);
		expect(() => defaultInputs(g)).toThrow(ModelError);
		expect(() => defaultInputs(g)).toThrow(/Input "hidden_states" has dim 2 "hidden_size"/);
		const noShape = declared([valueInfo('blob', DT.FLOAT, null)]);
		expect(() => defaultInputs(noShape)).toThrow(/"blob" has no declared shape/);
	});

	it('draws ids below the embedding size when a Gather reads the input, else below 100', () => {
		const emb = tensorF32('emb', [5, 2], new Array(10).fill(0));
		const g = declared(
			[valueInfo('ids', DT.INT64, [1, 64]), valueInfo('other', DT.INT32, [1, 64])],
			[node('Gather', ['emb', 'ids'], ['e'])],
			[emb]
		);
		const f = defaultInputs(g, { seed: 3 });
		const ids = Array.from(f.ids.data as BigInt64Array, Number);
		expect(Math.min(...ids)).toBeGreaterThanOrEqual(0);
		expect(Math.max(...ids)).toBe(4);
		const other = Array.from(f.other.data as Int32Array);
		expect(Math.max(...other)).toBeLessThan(100);
		expect(Math.max(...other)).toBeGreaterThan(50);
		expect(tokenLabels(g, f)).toEqual(ids.map(String)); // no vocabulary: the ids
		expect(defaultInputs(g, { ids: '1,2' }).ids.data).toEqual(BigInt64Array.from({ length: 64 }, (_, i) => BigInt(1 + (i % 2))));
	});

	it('bool: masks are ones, other flags zeros; float16 is raw half bits', () => {
		const g = declared([
			valueInfo('attention_mask', DT.BOOL, [1, 3]),
			valueInfo('flag', DT.BOOL, [2]),
			valueInfo('h', DT.FLOAT16, [1, 'seq']),
			valueInfo('hmask', DT.FLOAT16, [2])
		]);
		const f = defaultInputs(g, { seed: 1 });
		expect(f.attention_mask.data).toEqual(Uint8Array.from([1, 1, 1]));
		expect(f.flag.data).toEqual(new Uint8Array(2));
		expect(f.h.data).toBeInstanceOf(Uint16Array);
		expect(f.h.dims).toEqual([1, 16]);
		expect(f.hmask.data).toEqual(Uint16Array.from([0x3c00, 0x3c00])); // "mask" in the name: ones
	});

	it('floatToHalf rounds like NumPy', () => {
		// np.array([...], np.float32).astype(np.float16).view(np.uint16)
		const cases: [number, number][] = [
			[1, 0x3c00],
			[-2, 0xc000],
			[0.1, 0x2e66],
			[65504, 0x7bff],
			[65520, 0x7c00],
			[1e-8, 0],
			[6e-8, 0x0001],
			[-0, 0x8000],
			[Infinity, 0x7c00],
			[6.1035156e-5, 0x0400],
			[1.0009765625, 0x3c01],
			[1.00048828125, 0x3c00]
		];
		for (const [x, bits] of cases) expect([x, floatToHalf(x)]).toEqual([x, bits]);
		expect(floatToHalf(NaN) & 0x7c00).toBe(0x7c00);
	});
});
