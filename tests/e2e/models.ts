// Models the debugger tests upload through `model-file`: built in code, never written to models/.
import { buildModel, encodeModel, node, valueInfo, DT } from '../../src/lib/onnx/build';
import { Graph, readModel } from '../../src/lib/onnx';
import { tinyAttentionModel } from './tiny-model';

/** scores [1, 2, seq, seq] (a float input) -> Softmax -> pattern: recognition finds no QK MatMul. */
export function softmaxOnlyModel(): Uint8Array {
	return encodeModel(
		buildModel({
			name: 'softmax-only',
			inputs: [valueInfo('scores', DT.FLOAT, [1, 2, 'seq', 'seq'])],
			outputs: [valueInfo('pattern', DT.FLOAT, [1, 2, 'seq', 'seq'])],
			initializers: [],
			nodes: [node('Softmax', ['scores'], ['pattern'], { axis: -1 })]
		})
	);
}

/**
 * The tiny causal attention (recognized: layer 0) plus a second Softmax over a float input `bias`
 * [1, 2, seq, seq]: a pattern recognition cannot place, for the role-override test.
 */
export function unplacedSoftmaxModel(): Uint8Array {
	const m = readModel(tinyAttentionModel());
	const g = m.graph!;
	g.name = 'tiny-plus-softmax';
	g.input.push(valueInfo('bias', DT.FLOAT, [1, 2, 'seq', 'seq']));
	g.node.push(node('Softmax', ['bias'], ['bias_pattern'], { axis: -1 }));
	g.output.push(valueInfo('bias_pattern', DT.FLOAT, [1, 2, 'seq', 'seq']));
	return encodeModel(m);
}

/** x [1, 4] through n elementwise nodes: n captured tensors (the tensor list must stay responsive). */
export function chainModel(n: number): Uint8Array {
	const ops = ['Neg', 'Relu', 'Abs', 'Sigmoid'];
	const nodes = Array.from({ length: n }, (_, i) => node(ops[i % ops.length], [i ? `t${i - 1}` : 'x'], [i === n - 1 ? 'y' : `t${i}`]));
	return encodeModel(
		buildModel({
			name: `chain-${n}`,
			inputs: [valueInfo('x', DT.FLOAT, [1, 4])],
			outputs: [valueInfo('y', DT.FLOAT, [1, 4])],
			initializers: [],
			nodes
		})
	);
}

export function graphOf(bytes: Uint8Array): Graph {
	return new Graph(readModel(bytes));
}

/** The tiny attention without its vocabulary: token ids come as a comma list or seeded random. */
export function noVocabModel(): Uint8Array {
	const m = readModel(tinyAttentionModel());
	m.metadataProps = [];
	m.graph!.name = 'tiny-no-vocab';
	return encodeModel(m);
}
