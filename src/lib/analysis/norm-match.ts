// Small graph matchers the norm recognizer is built from (a square, a centred input, a last-axis
// reduce, a Cast only the norm reads), and float32 rounding for the constants it reports.
import type { GraphNode } from '../onnx/graph.js';
import { attrInt } from '../onnx/graph.js';
import type { Ctx } from './walk.js';

export function isSquare(ctx: Ctx, n: GraphNode, x: string): boolean {
	if (n.opType === 'Pow') return n.inputs[0] === x && ctx.scalar(n.inputs[1]) === 2;
	return n.opType === 'Mul' && n.inputs[0] === x && n.inputs[1] === x;
}

/** x is `Sub(y, ReduceMean(y))`. */
export function isCentered(ctx: Ctx, x: string): boolean {
	const p = ctx.producer(x);
	if (!p || p.opType !== 'Sub') return false;
	const m = ctx.producer(p.inputs[1]);
	return !!m && m.opType === 'ReduceMean' && same(ctx, m.inputs[0], p.inputs[0]);
}

export function single(ctx: Ctx, t: string, op: string): GraphNode | null {
	const cs = ctx.consumers(t);
	return cs.length === 1 && cs[0].opType === op ? cs[0] : null;
}

export function mulWith(ctx: Ctx, t: string, other: string): GraphNode | undefined {
	return ctx
		.consumers(t)
		.find(
			(m) =>
				m.opType === 'Mul' && ((m.inputs[0] === t && same(ctx, m.inputs[1], other)) || (m.inputs[1] === t && same(ctx, m.inputs[0], other)))
		);
}

/** The same tensor, or the same up to Cast/Identity (T5/LLaMA cast to float32 for the statistics only). */
export function same(ctx: Ctx, a: string, b: string): boolean {
	return a === b || ctx.peel(a) === ctx.peel(b);
}

/** Reduces over the last axis only (axes from the attribute, or the input in opset 18+). */
export function lastAxisReduce(ctx: Ctx, n: GraphNode): boolean {
	if (attrInt(n, 'keepdims', 1) !== 1) return false;
	const a = n.proto.attribute.find((x) => x.name === 'axes');
	const axes = a ? a.ints.map(Number) : n.inputs[1] ? ctx.value(n.inputs[1])?.data : undefined;
	if (!axes || axes.length !== 1) return false;
	if (axes[0] === -1) return true;
	const d = ctx.dims(n.inputs[0]);
	return d ? axes[0] === d.length - 1 : axes[0] >= 1; // rank unknown: a positive last axis is taken at its word
}

/** Look back through a Cast that only the norm reads (fp16 models cast to fp32 for statistics). */
export function inputThroughCast(ctx: Ctx, x: string, normNodes: number[]): [string, number[]] {
	const p = ctx.producer(x);
	if (p && p.opType === 'Cast' && ctx.consumers(x).every((c) => normNodes.includes(c.index))) return [p.inputs[0], [p.index]];
	return [x, []];
}

/** Constants are stored as float32: report them at float32 precision (1e-5, not 9.9999997e-6). */
export function f32(x: number | null): number | null {
	return x === null || !Number.isFinite(x) ? x : Number(x.toPrecision(7));
}
