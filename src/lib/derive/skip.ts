// A Skip*Normalization's stream sum, input + skip (+ bias), where the graph does not name it.
// skip may be (B, S, D), (1, S, D) or (S, D): it repeats over the batch.
import type { Graph, GraphNode } from '../onnx/graph.js';
import type { TensorStore } from '../tensor/store.js';
import { operand } from './read.js';

export function skipSumOf(graph: Graph, store: TensorStore, n: GraphNode): { dims: number[]; data: Float32Array } | string {
	const x = operand(graph, store, n.inputs[0]);
	const skip = operand(graph, store, n.inputs[1]);
	if (!x || !skip) return `${n.opType}: its input or skip was not captured`;
	const biasName = n.opType === 'SkipLayerNormalization' ? n.inputs[4] : n.inputs[3];
	const bias = biasName ? operand(graph, store, biasName) : null;
	const D = x.dims[x.dims.length - 1];
	const out = new Float32Array(x.data.length);
	for (let i = 0; i < out.length; i++) out[i] = x.data[i] + skip.data[i % skip.data.length] + (bias ? bias.data[i % D] : 0);
	return { dims: [...x.dims], data: out };
}
