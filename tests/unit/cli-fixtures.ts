// Small models for the CLI, inputs and dump tests, built with the project's own builder.
import { create } from '@bufbuild/protobuf';
import { StringStringEntryProtoSchema, TensorProto_DataLocation } from '../../src/lib/onnx/gen/onnx_pb';
import { buildModel, encodeModel, node, tensorF32, valueInfo, DT, f } from '../../src/lib/onnx/build';

export const VOCAB = ['<unk>', ' ', 'a', 'c', 'e', 'h', 'm', 'n', 'o', 's', 't'];

function weights(n: number, scale: number, k = 7): number[] {
	return Array.from({ length: n }, (_, i) => (((i * k) % 11) - 5) * scale);
}

/** input_ids [1, seq] -> embedding -> LayerNorm -> MatMul -> Softmax (a vocabulary in metadata). */
export function tokenModel(maxSeq = 32): Uint8Array {
	const d = 8;
	return encodeModel(
		buildModel({
			name: 'token',
			nodes: [
				node('Gather', ['emb', 'input_ids'], ['x']),
				node('LayerNormalization', ['x', 'ln_g', 'ln_b'], ['ln'], { axis: -1, epsilon: f(1e-5) }),
				node('MatMul', ['ln', 'w'], ['h']),
				node('Softmax', ['h'], ['probs'], { axis: -1 })
			],
			inputs: [valueInfo('input_ids', DT.INT64, [1, 'seq'])],
			outputs: [valueInfo('probs', DT.FLOAT, [1, 'seq', d])],
			initializers: [
				tensorF32('emb', [VOCAB.length, d], weights(VOCAB.length * d, 0.3)),
				tensorF32('ln_g', [d], new Array(d).fill(1)),
				tensorF32('ln_b', [d], new Array(d).fill(0)),
				tensorF32('w', [d, d], weights(d * d, 0.2, 3))
			],
			metadata: { 'blockscope.vocab': JSON.stringify(VOCAB), 'blockscope.max_seq': String(maxSeq) }
		})
	);
}

/** x float32 [batch, seq, 4] and attention_mask int64 [batch, seq] -> MatMul -> Relu, plus the mask cast. */
export function floatModel(): Uint8Array {
	return encodeModel(
		buildModel({
			name: 'float',
			nodes: [node('MatMul', ['x', 'w'], ['h']), node('Relu', ['h'], ['y']), node('Cast', ['attention_mask'], ['m'], { to: DT.FLOAT })],
			inputs: [valueInfo('x', DT.FLOAT, ['batch', 'seq', 4]), valueInfo('attention_mask', DT.INT64, ['batch', 'seq'])],
			outputs: [valueInfo('y', DT.FLOAT, ['batch', 'seq', 4]), valueInfo('m', DT.FLOAT, ['batch', 'seq'])],
			initializers: [tensorF32('w', [4, 4], weights(16, 0.5))]
		})
	);
}

/** floatModel with its weight `w` moved to an external file `weights.bin` (returns both). */
export function externalModel(): { model: Uint8Array; data: Uint8Array; location: string } {
	const location = 'weights.bin';
	const w = Float32Array.from(weights(16, 0.5));
	const t = tensorF32('w', [4, 4], []);
	t.rawData = new Uint8Array(0);
	t.dataLocation = TensorProto_DataLocation.EXTERNAL;
	t.externalData = [
		create(StringStringEntryProtoSchema, { key: 'location', value: location }),
		create(StringStringEntryProtoSchema, { key: 'offset', value: '0' }),
		create(StringStringEntryProtoSchema, { key: 'length', value: String(w.byteLength) })
	];
	const model = buildModel({
		name: 'external',
		nodes: [node('MatMul', ['x', 'w'], ['h']), node('Relu', ['h'], ['y'])],
		inputs: [valueInfo('x', DT.FLOAT, ['batch', 'seq', 4])],
		outputs: [valueInfo('y', DT.FLOAT, ['batch', 'seq', 4])],
		initializers: [t]
	});
	return { model: encodeModel(model), data: new Uint8Array(w.buffer), location };
}
