// Where the attention patterns are, until the recognizer (src/lib/analysis) answers: every Softmax
// output, in graph order, whose captured dims are [1, H, S, S]; layer k is the k-th such tensor.
import type { Graph } from '../../onnx/graph.js';
import type { TensorStore } from '../store.js';
import type { AttentionRef } from './protocol.js';

export function softmaxPatterns(graph: Graph, store: TensorStore): AttentionRef[] {
	const out: AttentionRef[] = [];
	for (const n of graph.nodes) {
		if (n.opType !== 'Softmax' || n.domain !== '') continue;
		const t = store.get(n.outputs[0]);
		if (t && t.dims.length === 4 && t.dims[0] === 1 && t.dims[2] === t.dims[3]) out.push({ layer: out.length, tensor: t.name });
	}
	return out;
}
