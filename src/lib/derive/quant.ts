// Dynamic int8 BERT as ORT's quantizer writes it (quantize_dynamic): QAttention and
// QEmbedLayerNormalization (com.microsoft), read by ContribOperators' input order and dequantized
// as the ops do, value = (q - zero_point) * scale:
// - QAttention(input, weight, bias, input_scale, weight_scale, mask_index, input_zero_point,
//   weight_zero_point, past): input per tensor, weight per tensor or per column (3 * hidden);
//   then Attention's math (packedAttention) on input @ weight + bias.
// - QEmbedLayerNormalization(input_ids, segment_ids, word, position, segment, gamma, beta, mask,
//   then a scale for each table, gamma and beta, then their zero points): the embedding sum.
import type { FusedAttention } from '../analysis/types.js';
import type { Graph, GraphNode } from '../onnx/graph.js';
import type { TensorStore } from '../tensor/store.js';
import { operand, type Operand } from './read.js';
import { packedAttention } from './attention.js';
import type { DerivedPattern } from './types.js';

/** (q - zero_point) * scale, the scale and zero point per tensor or per last-axis column. */
export function dequantize(q: Operand, scale: Operand, zero: Operand | null): Operand {
	const cols = q.dims[q.dims.length - 1] ?? 1;
	const per = (t: Operand | null, i: number) => (!t ? 0 : t.data.length === 1 ? t.data[0] : t.data[i % cols]);
	return { dims: q.dims, data: q.data.map((v, i) => (v - per(zero, i)) * per(scale, i)) };
}

export function qAttention(graph: Graph, store: TensorStore, f: FusedAttention): DerivedPattern | string {
	const [xName, wName, bName, xsName, wsName, maskName, xzName, wzName, pastName] = f.inputs;
	const read = (n: string) => (n ? operand(graph, store, n) : null);
	const [xq, wq, xs, ws] = [read(xName), read(wName), read(xsName), read(wsName)];
	if (!xq || !wq || !xs || !ws) return `QAttention: its quantized input "${xName}", weight "${wName}" or their scales were not captured`;
	if ((xzName && !read(xzName)) || (wzName && !read(wzName)) || (pastName && !read(pastName)))
		return 'QAttention: a zero point or its past was not captured';
	return packedAttention(graph, store, f, {
		x: dequantize(xq, xs, read(xzName)),
		w: dequantize(wq, ws, read(wzName)),
		bias: read(bName),
		mask: read(maskName),
		past: read(pastName),
		attnBias: null
	});
}

/** QEmbedLayerNormalization's inputs, dequantized: ids and float tables in EmbedLayerNormalization's order. */
export function qEmbedTables(graph: Graph, store: TensorStore, n: GraphNode): Record<'word' | 'pos' | 'seg', Operand | null> {
	const i = n.inputs;
	const read = (x: string | undefined) => (x ? operand(graph, store, x) : null);
	const table = (q: number, s: number, z: number) => {
		const t = read(i[q]);
		const scale = read(i[s]);
		return t && scale ? dequantize(t, scale, read(i[z])) : null;
	};
	return { word: table(2, 8, 13), pos: table(3, 9, 14), seg: table(4, 10, 15) };
}
