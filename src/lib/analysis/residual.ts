// Residual stream adds. An Add is a stream add when one operand (the stream) feeds the other (the
// branch) through a MatMul-like op: x + f(x). That excludes the Adds real graphs are full of:
// bias and eps adds (a constant operand), mask and RoPE adds (neither operand feeds the other),
// GELU's x + 0.044715 x^3 (no projection in between), shape arithmetic (not data).
// Parallel blocks written as (x + attn) + mlp are caught by a second rule: the stream operand is
// itself a stream add whose stream feeds the branch.
import type { GraphNode } from '../onnx/graph.js';
import type { AttentionInfo, ResidualInfo, Sublayer } from './types.js';
import type { Ctx } from './walk.js';
import { f32 } from './norms.js';
import { isSkipNorm, skipSum } from './skip.js';

export function findResiduals(ctx: Ctx, attention: AttentionInfo[]): ResidualInfo[] {
	const found: ResidualInfo[] = [];
	const byOutput = new Map<string, ResidualInfo>();
	// Mask and bias adds on a scores path: a mask built once feeds every later layer, so it looks
	// like a stream to the rule below (x + f(x)) from layer 1 on.
	const onScores = new Set(attention.flatMap((a) => a.scoreNodes));
	for (const n of ctx.g.nodes) {
		const skip = isSkipNorm(n);
		if (n.opType !== 'Add' && !(n.opType === 'Sum' && n.inputs.length === 2) && !skip) continue;
		if (onScores.has(n.index)) continue;
		const r = classify(ctx, n, byOutput);
		if (!r) continue;
		// The stream never skips over a stream add: a tensor that already fed the last add found
		// (a mask, a position table, the embeddings) is a side input, not the stream.
		const prev = found[found.length - 1];
		if (prev && ctx.idx(prev.output) > ctx.idx(r.base) && ctx.reaches(r.base, prev.output)) continue;
		const res = finish(ctx, n, r, attention);
		if (skip) {
			const sum = skipSum(n);
			Object.assign(res, { output: sum.name, op: n.opType, recomputed: sum.recomputed });
		}
		found.push(res);
		byOutput.set(res.output, res);
	}
	return found;
}

interface Sides {
	stream: string;
	base: string;
	alpha: number | null;
	branch: string;
	from: string;
}

function classify(ctx: Ctx, n: GraphNode, byOutput: Map<string, ResidualInfo>): Sides | null {
	const [a, b] = n.inputs;
	if (!a || !b || a === b || !ctx.isAct(a) || !ctx.isAct(b)) return null;
	const dtype = ctx.g.valueInfo.get(n.outputs[0])?.dtype;
	if (dtype && !dtype.startsWith('float') && dtype !== 'bfloat16') return null;
	for (const [s, br] of [
		[a, b],
		[b, a]
	]) {
		const { base, alpha } = streamBase(ctx, s);
		if (ctx.reaches(base, br, true)) return { stream: s, base, alpha, branch: br, from: base };
	}
	for (const [s, br] of [
		[a, b],
		[b, a]
	]) {
		const prev = byOutput.get(s);
		if (prev && ctx.reaches(prev.from, br, true) && !ctx.reaches(s, br))
			return { stream: s, base: s, alpha: null, branch: br, from: prev.from };
	}
	return null;
}

/** The stream tensor behind an Add operand: Identity/Cast looked through, and DeepNorm's `x * alpha`. */
export function streamBase(ctx: Ctx, t: string): { base: string; alpha: number | null } {
	const peeled = ctx.peel(t);
	const p = ctx.producer(peeled);
	if (p && p.opType === 'Mul') {
		const sc = ctx.splitConst(p);
		const v = sc ? ctx.scalar(sc[1]) : null;
		// DeepNorm's alpha is a modest positive constant; finfo.min scales a mask, not a stream.
		if (sc && v !== null && v > 0 && v < 1e3) return { base: ctx.peel(sc[0]), alpha: f32(v) };
	}
	return { base: peeled, alpha: null };
}

function finish(ctx: Ctx, n: GraphNode, s: Sides, attention: AttentionInfo[]): ResidualInfo {
	const res: ResidualInfo = {
		node: n.index,
		output: n.outputs[0],
		stream: s.stream,
		base: s.base,
		alpha: s.alpha,
		branch: s.branch,
		from: s.from,
		sublayer: 'mlp',
		attention: null,
		attnPart: null,
		mlpPart: null
	};
	sublayerOf(ctx, res, attention);
	return res;
}

/** Which attention lives in this branch (computed after `from`, feeding the branch). */
function attentionIn(ctx: Ctx, from: string, t: string, attention: AttentionInfo[]): number | null {
	const lo = ctx.idx(from);
	const hi = ctx.idx(t);
	for (let i = attention.length - 1; i >= 0; i--) {
		const a = attention[i];
		// A fused op's pattern is derived, not a graph tensor: its output and input stand for it
		// (the op may itself write the branch).
		if (a.softmax <= lo || a.softmax > hi || (a.softmax === hi && !a.fused)) continue;
		const out = a.fused ? a.fused.output : a.pattern;
		const into = a.fused ? a.fused.input : a.scores;
		if (ctx.reaches(out, t) && (lo < 0 || ctx.reaches(from, into))) return i;
	}
	return null;
}

const ATTENTION_OPS = new Set([
	'Softmax',
	'Attention',
	'MultiHeadAttention',
	'GroupQueryAttention',
	'PackedAttention',
	'SparseAttention',
	'QAttention'
]);

/** Any Softmax or fused attention op on the way from `from` to `t`? */
function softmaxIn(ctx: Ctx, from: string, t: string): boolean {
	const lo = ctx.idx(from);
	const seen = new Set<string>();
	const stack = [t];
	while (stack.length) {
		const x = stack.pop()!;
		if (seen.has(x)) continue;
		seen.add(x);
		const p = ctx.producer(x);
		if (!p || p.index <= lo || p.opType === 'Shape') continue;
		if (ATTENTION_OPS.has(p.opType) && ctx.reaches(from, x)) return true;
		for (const i of p.inputs) if (i && ctx.isAct(i)) stack.push(i);
	}
	return false;
}

/** attn, mlp, or both (a parallel block summing attention and MLP before one add). */
export function sublayerOf(ctx: Ctx, r: ResidualInfo, attention: AttentionInfo[]): void {
	const at = attentionIn(ctx, r.from, r.branch, attention);
	r.attention = at;
	r.sublayer = at === null ? 'mlp' : 'attn';
	r.attnPart = r.mlpPart = null;
	if (at === null) {
		// A softmax recognition could not read (reported on its own) still makes this an attention branch.
		if (softmaxIn(ctx, r.from, r.branch)) r.sublayer = 'attn';
		return;
	}
	// A sum of two branches, one with the attention, the other with its own projection: parallel.
	const p = ctx.producer(r.branch);
	if (!p || (p.opType !== 'Add' && p.opType !== 'Sum')) return;
	const [x, y] = p.inputs;
	if (!x || !y || !ctx.isAct(x) || !ctx.isAct(y)) return;
	const ax = attentionIn(ctx, r.from, x, attention);
	const ay = attentionIn(ctx, r.from, y, attention);
	if ((ax === null) === (ay === null)) return;
	const [attnPart, mlpPart] = ax !== null ? [x, y] : [y, x];
	if (!ctx.reaches(r.from, mlpPart, true)) return;
	r.sublayer = 'both' satisfies Sublayer;
	r.attnPart = attnPart;
	r.mlpPart = mlpPart;
}
