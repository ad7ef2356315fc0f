// What kind of mask an attention applies: causal (a fixed lower-triangular pattern, or built by
// Trilu / Range comparisons), padding (depends on a graph input such as attention_mask), or a
// constant whose pattern we could not check.
import type { MaskKind } from './types.js';
import type { Ctx } from './walk.js';

/** Large negatives exporters use: -inf, finfo(float32).min, -1e4, -1e9, ... */
export function isLargeNegative(v: number): boolean {
	return v === -Infinity || v <= -1e4;
}

export interface MaskFacts {
	kinds: MaskKind[];
	/** A large negative constant (or -inf) takes part in building the mask. */
	largeNegative: boolean;
}

const PATTERN_PASS = new Set(['Identity', 'Cast', 'Slice', 'Unsqueeze', 'Reshape', 'Expand', 'Squeeze']);
const COMPARE = new Set(['Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual']);

/**
 * `tensor` is the mask operand (additive mask, Where condition). `keepWhenTrue`: for a Where
 * condition, whether true means "keep the score" (scores are the Where's X).
 */
export function maskFacts(ctx: Ctx, tensor: string, keepWhenTrue: boolean | null): MaskFacts {
	const kinds = new Set<MaskKind>();
	let largeNegative = false;
	let causalHint = false;
	let rangeSeen = false;
	let compareSeen = false;
	const seen = new Set<string>();
	const stack = [tensor];
	while (stack.length) {
		const t = stack.pop()!;
		if (seen.has(t)) continue;
		seen.add(t);
		if (ctx.g.inputs.some((i) => i.name === t)) kinds.add('padding');
		const c = ctx.g.initializers.get(t) || ctx.g.constants.has(t) ? ctx.value(t) : null;
		if (c && c.data.some(isLargeNegative)) largeNegative = true;
		const p = ctx.producer(t);
		if (!p || p.opType === 'Shape' || p.opType === 'Size') continue;
		if (p.opType === 'Trilu') causalHint = true;
		if (p.opType === 'Range') rangeSeen = true;
		if (COMPARE.has(p.opType)) compareSeen = true;
		if (p.opType === 'ConstantOfShape') {
			const v = ctx.value(t);
			if (v && v.data.some(isLargeNegative)) largeNegative = true;
		}
		for (const i of p.inputs) if (i) stack.push(i);
	}
	if (rangeSeen && compareSeen) causalHint = true;
	const pattern = constantPattern(ctx, tensor, keepWhenTrue);
	if (pattern === 'causal' || causalHint) kinds.add('causal');
	else if (pattern === 'fixed' || (!kinds.has('padding') && !ctx.isAct(tensor))) kinds.add('fixed');
	const order: MaskKind[] = ['causal', 'padding', 'fixed'];
	return { kinds: order.filter((k) => kinds.has(k)), largeNegative };
}

/**
 * Walk back through layout ops to a stored mask (HF GPT-2 slices a [1,1,N,N] tril buffer) and
 * check its last two axes: is exactly the lower triangle kept?
 */
function constantPattern(ctx: Ctx, tensor: string, keepWhenTrue: boolean | null): 'causal' | 'fixed' | null {
	let t = tensor;
	let negate = false;
	for (let hops = 0; hops < 12; hops++) {
		if (ctx.g.initializers.has(t) || ctx.g.constants.has(t)) break;
		const p = ctx.producer(t);
		if (!p) return null;
		if (p.opType === 'Not') negate = !negate;
		else if (!PATTERN_PASS.has(p.opType)) {
			const v = ctx.value(t); // folded constants (Where of constants, ...)
			if (!v) return null;
			return judge(v.dims, v.data, keepWhenTrue, negate);
		}
		t = p.inputs[0];
	}
	const v = ctx.value(t);
	if (!v) return null;
	return judge(v.dims, v.data, keepWhenTrue, negate);
}

function judge(dims: number[], data: number[], keepWhenTrue: boolean | null, negate: boolean): 'causal' | 'fixed' {
	const n = dims.length >= 2 ? dims[dims.length - 1] : 0;
	if (n < 2 || dims[dims.length - 2] !== n) return 'fixed';
	const keep = (v: number) => {
		if (keepWhenTrue === null) return !isLargeNegative(v) && !Number.isNaN(v); // additive mask
		const truth = negate ? !v : !!v;
		return keepWhenTrue ? truth : !truth;
	};
	// The first n x n matrix is representative: masks broadcast over batch and heads.
	for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (keep(data[i * n + j]) !== j <= i) return 'fixed';
	return 'causal';
}
