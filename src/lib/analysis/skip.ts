// ORT's Skip*Normalization ops are a residual add and a norm in one node:
//   sum = input + skip (+ bias); output = norm(sum)
// Their 4th output (input_skip_bias_sum) is the stream. The optimizer names it only where the sum
// is read again (pre-norm stacks); elsewhere (a post-norm block, the final norm) the sum stays
// inside the op, and blockscope recomputes it from the same operands after the run (derived).
import type { GraphNode } from '../onnx/graph.js';
import { attrFloat } from '../onnx/graph.js';
import type { NormInfo, NormKind } from './types.js';
import { publicName, type Ctx } from './walk.js';
import { f32 } from './norms.js';

export const SKIP_NORMS: Record<string, NormKind> = {
	SkipLayerNormalization: 'layernorm',
	SkipSimplifiedLayerNormalization: 'rmsnorm'
};

/** The derived name of a hidden sum: not a graph tensor, so it cannot collide with one. */
export const derivedSum = (output: string) => `derived::${output}::input_skip_bias_sum`;

export function isSkipNorm(n: GraphNode): boolean {
	return n.opType in SKIP_NORMS && n.domain === 'com.microsoft';
}

/** The op's stream sum: its 4th output where the graph names it, else the derived name. */
export function skipSum(n: GraphNode): { name: string; recomputed: boolean } {
	const named = n.outputs[3];
	return named ? { name: named, recomputed: false } : { name: derivedSum(n.outputs[0]), recomputed: true };
}

/** Its bias input (SkipLayerNormalization: 5th; SkipSimplifiedLayerNormalization: 4th), or null. */
export function skipBias(n: GraphNode): string | null {
	const i = n.opType === 'SkipLayerNormalization' ? 4 : 3;
	return n.inputs[i] || null;
}

export function skipNorm(ctx: Ctx, n: GraphNode): NormInfo | null {
	const [x, skip] = n.inputs;
	if (!x || !skip || !ctx.isAct(x) || !ctx.isAct(skip)) return null;
	const kind = SKIP_NORMS[n.opType];
	return {
		kind,
		form: 'fused',
		spelling: n.opType,
		input: skipSum(n).name,
		output: publicName(ctx, n.outputs[0]),
		last: n.outputs[0],
		eps: f32(attrFloat(n, 'epsilon', 1e-12)),
		gamma: n.inputs[2] ? ctx.initializerName(n.inputs[2]) : null,
		beta: kind === 'layernorm' && n.inputs[3] ? ctx.initializerName(n.inputs[3]) : null,
		alpha: null,
		scale: null,
		nodes: [n.index],
		op: n.opType
	};
}
