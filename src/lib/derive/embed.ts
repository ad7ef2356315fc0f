// EmbedLayerNormalization's embedding sum where the graph does not name it (its 3rd output):
// word[ids] + position[position_ids, or 0..S-1] (+ segment[segment_ids]), per token.
// QEmbedLayerNormalization's tables are dequantized first (quant.ts).
import type { Graph, GraphNode } from '../onnx/graph.js';
import type { TensorStore } from '../tensor/store.js';
import { operand } from './read.js';
import { qEmbedTables } from './quant.js';

export function embedSumOf(graph: Graph, store: TensorStore, n: GraphNode): { dims: number[]; data: Float32Array } | string {
	const [idsName, segName, wordName, posName, segEmbName, , , , posIdsName] = n.inputs;
	const quantized = n.opType === 'QEmbedLayerNormalization'; // no position_ids input; uint8 tables
	const read = (x: string) => (x ? operand(graph, store, x) : null);
	const tables = quantized ? qEmbedTables(graph, store, n) : { word: read(wordName), pos: read(posName), seg: read(segEmbName) };
	const ids = read(idsName);
	const { word, pos } = tables;
	if (!ids || !word || !pos) return `${n.opType}: its ids or embedding tables were not captured`;
	const seg = segName && segEmbName ? read(segName) : null;
	const segEmb = seg ? tables.seg : null;
	if (segName && segEmbName && (!seg || !segEmb)) return `${n.opType}: its segment ids were not captured`;
	const posIds = posIdsName && !quantized ? read(posIdsName) : null;
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
