// Model folders: variants, the default, companions found up the tree, external data by the names
// the model asks for, and what the weights are (from the graph).
import { describe, expect, it } from 'vitest';
import { encodeModel, node, tensorF32, valueInfo, buildModel, DT } from '../../src/lib/onnx/build.js';
import { create } from '@bufbuild/protobuf';
import { StringStringEntryProtoSchema, TensorProto_DataLocation, TensorProtoSchema } from '../../src/lib/onnx/gen/onnx_pb.js';
import { Graph } from '../../src/lib/onnx/graph.js';
import { readModel } from '../../src/lib/onnx/read.js';
import { externalFiles, openFolder, weightSummary, type FolderFile } from '../../src/lib/model-folder/index.js';
import { decoder } from '../fixtures/folder/decoders.js';

const file = (path: string, size = 10, bytes?: Uint8Array): FolderFile => ({
	path,
	size: bytes?.byteLength ?? size,
	read: async () => bytes ?? new Uint8Array(size)
});

describe('model folder', () => {
	it('lists variants with the plain one first and finds tokenizer.json / config.json above onnx/', () => {
		const f = openFolder(
			[
				'gpt2/config.json',
				'gpt2/tokenizer.json',
				'gpt2/tokenizer_config.json',
				'gpt2/onnx/model_quantized.onnx',
				'gpt2/onnx/model_fp16.onnx',
				'gpt2/onnx/model.onnx',
				'gpt2/onnx/decoder_model_merged.onnx',
				'gpt2/onnx/model_q4.onnx',
				'gpt2/README.md'
			].map((p) => file(p))
		);
		expect(f.variants.map((v) => [v.name, v.nameDtype])).toEqual([
			['model', 'fp32'],
			['decoder_model_merged', 'fp32'],
			['model_fp16', 'fp16'],
			['model_q4', 'q4'],
			['model_quantized', 'quantized']
		]);
		expect(f.variant.path).toBe('onnx/model.onnx'); // the common root folder is stripped
		expect(f.tokenizer?.path).toBe('tokenizer.json');
		expect(f.tokenizerConfig?.path).toBe('tokenizer_config.json');
		expect(f.config?.path).toBe('config.json');
		expect(openFolder(f.files, 'model_q4').variant.path).toBe('onnx/model_q4.onnx');
		expect(openFolder(f.files, 'onnx/model_fp16.onnx').variant.name).toBe('model_fp16');
	});

	it('a tokenizer beside the model wins over one at the root; no tokenizer is fine', () => {
		const f = openFolder([file('tokenizer.json'), file('onnx/tokenizer.json'), file('onnx/model.onnx')]);
		expect(f.tokenizer?.path).toBe('onnx/tokenizer.json');
		expect(openFolder([file('m/model.onnx')]).tokenizer).toBeNull();
	});

	it('refuses a folder without a model and an unknown variant, by name', () => {
		expect(() => openFolder([file('config.json'), file('tokenizer.json')])).toThrow(
			/No \.onnx model in the 2 files given \(config\.json, tokenizer\.json\)/
		);
		expect(() => openFolder([file('onnx/model.onnx'), file('onnx/model_fp16.onnx')], 'model_q4')).toThrow(
			/no variant "model_q4"; it has model, model_fp16/
		);
	});

	it('attaches external data by the names the model asks for, relative to the model, and names what is missing', () => {
		const w = create(TensorProtoSchema, {
			name: 'w',
			dims: [4n, 4n],
			dataType: DT.FLOAT,
			dataLocation: TensorProto_DataLocation.EXTERNAL,
			externalData: [
				create(StringStringEntryProtoSchema, { key: 'location', value: 'model.onnx_data' }),
				create(StringStringEntryProtoSchema, { key: 'offset', value: '0' }),
				create(StringStringEntryProtoSchema, { key: 'length', value: '64' })
			]
		});
		const w2 = create(TensorProtoSchema, {
			...w,
			name: 'w2',
			externalData: [create(StringStringEntryProtoSchema, { key: 'location', value: 'model.onnx.data' })]
		});
		const m = buildModel({
			name: 'ext',
			nodes: [node('MatMul', ['x', 'w'], ['y']), node('MatMul', ['y', 'w2'], ['z'])],
			inputs: [valueInfo('x', DT.FLOAT, [1, 4])],
			outputs: [valueInfo('z', DT.FLOAT, [1, 4])],
			initializers: [w, w2]
		});
		const g = new Graph(readModel(encodeModel(m)));
		const files = [
			file('onnx/model.onnx'),
			file('onnx/model.onnx_data', 64),
			file('onnx/model.onnx.data', 64),
			file('model.onnx_data', 64)
		];
		const f = openFolder(files);
		expect(externalFiles(f, g).map((x) => [x.location, x.file.path])).toEqual([
			['model.onnx_data', 'onnx/model.onnx_data'],
			['model.onnx.data', 'onnx/model.onnx.data']
		]);
		expect(() => externalFiles(openFolder(files.filter((x) => x.path !== 'onnx/model.onnx.data')), g)).toThrow(
			/onnx\/model\.onnx keeps its weights in a separate file: "onnx\/model\.onnx\.data", not in this folder/
		);
		expect(() => externalFiles(openFolder([files[0], file('onnx/model.onnx_data', 8), files[2]]), g)).toThrow(
			/is 8 bytes, but tensor "w" needs bytes 0 to 64/
		);
	});

	it('reads what the weights are from the graph: fp32, fp16, int4 MatMulNBits', () => {
		expect(weightSummary(new Graph(decoder(false))).label).toBe('fp32');
		const q = buildModel({
			name: 'q4',
			nodes: [node('MatMulNBits', ['x', 'wq', 'scales'], ['y'], { K: 16, N: 8, bits: 4, block_size: 16 }, { domain: 'com.microsoft' })],
			inputs: [valueInfo('x', DT.FLOAT, [1, 16])],
			outputs: [valueInfo('y', DT.FLOAT, [1, 8])],
			initializers: [
				create(TensorProtoSchema, { name: 'wq', dims: [8n, 1n, 8n], dataType: DT.UINT8, rawData: new Uint8Array(64) }),
				tensorF32('scales', [8], new Array(8).fill(1))
			],
			extraOpsets: { 'com.microsoft': 1 }
		});
		const s = weightSummary(new Graph(q));
		expect(s.label).toBe('int4');
		expect(s.quantOps).toEqual({ 'MatMulNBits(4-bit)': 1 });
		expect(s.bytes[0]).toEqual({ dtype: 'uint8', bytes: 64 });
	});
});

describe('a folder of unrelated models', () => {
	it('has no default to guess: the message lists them and says how to choose', () => {
		const files = ['a.onnx', 'b.onnx', 'notes.txt'].map((p) => ({ path: p, size: 1, read: async () => new Uint8Array(1) }));
		expect(() => openFolder(files)).toThrow(/holds 2 \.onnx models and none is a plain model\.onnx to open by default \(a, b\)/);
		expect(openFolder(files, 'b').variant.path).toBe('b.onnx');
		expect(openFolder(files.slice(1)).variant.path).toBe('b.onnx'); // one model: that one
	});
});
