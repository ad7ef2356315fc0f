// Residual stream adds. An Add is a stream add when one operand (the stream) feeds the other (the
// branch) through a MatMul-like op: x + f(x). That excludes the Adds real graphs are full of:
// bias and eps adds (a constant operand), mask and RoPE adds (neither operand feeds the other),
// GELU's x + 0.044715 x^3 (no projection in between), shape arithmetic (not data).
// Parallel blocks written as (x + attn) + mlp are caught by a second rule: the stream operand is
// itself a stream add whose stream feeds the branch.
import type { GraphNode } from '../onnx/graph.js';
import type { AttentionInfo, NormInfo, ResidualInfo, Sublayer } from './types.js';
import type { Ctx } from './walk.js';

export function findResiduals(ctx: Ctx, attention: AttentionInfo[]): ResidualInfo[] {
	const found: ResidualInfo[] = [];
	const byOutput = new Map<string, ResidualInfo>();
	for (const n of ctx.g.nodes) {
		if (n.opType !== 'Add' && !(n.opType === 'Sum' && n.inputs.length === 2)) continue;
		const r = classify(ctx, n, byOutput);
		if (!r) continue;
		const res = finish(ctx, n, r, attention);
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
	for (const [s, br] of [[a, b], [b, a]]) {
		const { base, alpha } = streamBase(ctx, s);
		if (ctx.reaches(base, br, true)) return { stream: s, base, alpha, branch: br, from: base };
	}
	for (const [s, br] of [[a, b], [b, a]]) {
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
		if (sc && v !== null) return { base: ctx.peel(sc[0]), alpha: v };
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
		if (a.softmax <= lo || a.softmax >= hi) continue;
		if (ctx.reaches(a.pattern, t) && (lo < 0 || ctx.reaches(from, a.scores))) return i;
	}
	return null;
}

/** attn, mlp, or both (a parallel block summing attention and MLP before one add). */
export function sublayerOf(ctx: Ctx, r: ResidualInfo, attention: AttentionInfo[]): void {
	const at = attentionIn(ctx, r.from, r.branch, attention);
	r.attention = at;
	r.sublayer = at === null ? 'mlp' : 'attn';
	r.attnPart = r.mlpPart = null;
	if (at === null) return;
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

/** Norm outputs by their (public or internal) output name, for linking post-norm chains. */
export function normByOutput(norms: NormInfo[]): Map<string, NormInfo> {
	const m = new Map<string, NormInfo>();
	for (const n of norms) m.set(n.output, n);
	return m;
}
