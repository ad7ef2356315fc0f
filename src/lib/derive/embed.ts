// EmbedLayerNormalization's embedding sum where the graph does not name it (its 3rd output):
// word[ids] + position[position_ids, or 0..S-1] (+ segment[segment_ids]), per token.
import type { Graph, GraphNode } from '../onnx/graph.js';
import type { TensorStore } from '../tensor/store.js';
import { operand } from './read.js';

export function embedSumOf(graph: Graph, store: TensorStore, n: GraphNode): { dims: number[]; data: Float32Array } | string {
	const [idsName, segName, wordName, posName, segEmbName, , , , posIdsName] = n.inputs;
	const ids = operand(graph, store, idsName);
	const word = operand(graph, store, wordName);
	const pos = operand(graph, store, posName);
	if (!ids || !word || !pos) return `${n.opType}: its ids or embedding tables were not captured`;
	const seg = segName && segEmbName ? operand(graph, store, segName) : null;
	const segEmb = seg ? operand(graph, store, segEmbName) : null;
	if (segName && segEmbName && (!seg || !segEmb)) return `${n.opType}: its segment ids were not captured`;
	const posIds = posIdsName ? operand(graph, store, posIdsName) : null;
	const [B, S] = ids.dims;
	const D = word.dims[1];
	const out = new Float32Array(B * S * D); // (B, S, D)
	for (let b = 0; b < B; b++)
		for (let s = 0; s < S; s++) {
			const t = b * S + s;
			const p = posIds ? posIds.data[posIds.dims[0] === 1 ? s : t] : s;
			for (let c = 0; c < D; c++)
				out[t * D + c] = word.data[ids.data[t] * D + c] + pos.data[p * D + c] + (seg && segEmb ? segEmb.data[seg.data[t] * D + c] : 0);
		}
	return { dims: [B, S, D], data: out };
}
