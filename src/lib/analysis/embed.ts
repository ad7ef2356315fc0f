// ORT's EmbedLayerNormalization (BERT after the transformers optimizer) is the embedding sum and
// its LayerNorm in one node: sum = word[ids] + position[pos] (+ segment[seg]); output = LN(sum).
// Its first output is the stream the first block reads; the sum is its optional 3rd output
// (embedding_sum), which the optimizer rarely names: then it is recomputed after the run.
import type { GraphNode } from '../onnx/graph.js';
import { attrFloat } from '../onnx/graph.js';
import type { NormInfo } from './types.js';
import { publicName, type Ctx } from './walk.js';
import { f32 } from './norms.js';

/** The derived name of a hidden embedding sum: not a graph tensor, so it cannot collide with one. */
export const derivedEmbedSum = (output: string) => `derived::${output}::embedding_sum`;

/** EmbedLayerNormalization, or QEmbedLayerNormalization (the same with uint8 tables, as ORT's quantizer writes it). */
export function isEmbedNorm(n: GraphNode): boolean {
	return (n.opType === 'EmbedLayerNormalization' || n.opType === 'QEmbedLayerNormalization') && n.domain === 'com.microsoft';
}

/** The op's embedding sum: its 3rd output where named, else the derived name. */
export function embedSum(n: GraphNode): { name: string; recomputed: boolean } {
	const named = n.outputs[2];
	return named ? { name: named, recomputed: false } : { name: derivedEmbedSum(n.outputs[0]), recomputed: true };
}

export function embedNorm(ctx: Ctx, n: GraphNode): NormInfo | null {
	const [ids, , , , , gamma, beta] = n.inputs;
	if (!ids || !ctx.isAct(ids) || !n.outputs[0]) return null;
	return {
		kind: 'layernorm',
		form: 'fused',
		spelling: n.opType,
		input: embedSum(n).name,
		output: publicName(ctx, n.outputs[0]),
		last: n.outputs[0],
		eps: f32(attrFloat(n, 'epsilon', 1e-12)),
		gamma: gamma ? ctx.initializerName(gamma) : null,
		beta: beta ? ctx.initializerName(beta) : null,
		alpha: null,
		scale: null,
		nodes: [n.index],
		op: n.opType
	};
}
