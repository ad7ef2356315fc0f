// Head count of an attention, whichever way the exporter spelled the head split: from shape info
// on the scores, from the reshape that splits Q into heads (following transposes to the axis that
// reaches the QK MatMul), or as model width / head dim.
import type { GraphNode } from '../onnx/graph.js';
import { attrInt, attrInts } from '../onnx/graph.js';
import { evalInts, isKnown, type IntVal } from './shapes.js';
import { isMixing, type Ctx } from './walk.js';
import type { AttentionInfo } from './types.js';

export interface HeadFacts {
	heads: number | null;
	headsFrom: AttentionInfo['headsFrom'];
	layout: AttentionInfo['layout'];
	rope: boolean;
	scale: number; // product of constant factors found on the Q/K paths
	why: string | null; // when heads is null
}

/** Ops a Q or K tensor passes through between its projection and the QK MatMul. */
const LAYOUT = new Set([
	'Transpose',
	'Cast',
	'Identity',
	'Mul',
	'Div',
	'Add',
	'Sub',
	'Neg',
	'Concat',
	'Slice',
	'Split',
	'Reshape',
	'Squeeze',
	'Unsqueeze',
	'Expand',
	'Tile',
	'Gather',
	'QuantizeLinear',
	'DequantizeLinear'
]);

interface Found {
	reshape: GraphNode;
	axis: number | null; // axis of the reshape output that becomes `axisAtMatMul`; null if lost on the way
}

export function headFacts(ctx: Ctx, softmax: GraphNode, qk: GraphNode): HeadFacts {
	const facts: HeadFacts = { heads: null, headsFrom: null, layout: null, rope: false, scale: 1, why: null };
	const sd = ctx.dims(softmax.outputs[0]) ?? ctx.dims(softmax.inputs[0]) ?? ctx.dims(qk.outputs[0]);
	if (sd) facts.layout = sd.length === 4 ? 'BHSS' : sd.length === 3 ? 'BH,S,S' : null;
	if (sd && sd.length === 4 && typeof sd[1] === 'number') {
		facts.heads = sd[1];
		facts.headsFrom = 'shape-info';
	}
	facts.rope = hasRope(ctx, qk);
	facts.scale = qkScale(ctx, qk);
	if (facts.heads !== null) return facts;
	for (const side of [0, 1]) {
		const f = findSplit(ctx, qk.inputs[side]);
		if (!f) continue;
		const shape = evalInts(ctx, f.reshape.inputs[1]);
		if (!shape) continue;
		const rank = shape.length;
		if (rank !== 3 && rank !== 4) continue;
		facts.layout ??= rank === 4 ? 'BHSS' : 'BH,S,S';
		const hd = shape[rank - 1];
		const at = f.axis === null ? undefined : shape[f.axis];
		if (rank === 4 && isKnown(at) && at > 0) return { ...facts, heads: at, headsFrom: 'reshape' };
		if (rank === 3 && at !== undefined && !isKnown(at) && at.factor > 1) return { ...facts, heads: at.factor, headsFrom: 'reshape' };
		// A constant [S, B*H, Dh] target (torch's MHA at static shapes) folds B into the head axis: the width decides.
		const width = widthOf(ctx, f.reshape.inputs[0]) ?? (side === 0 ? modelWidth(ctx) : null);
		if (width && isKnown(hd) && hd > 0 && width % hd === 0) return { ...facts, heads: width / hd, headsFrom: 'width/head-dim' };
	}
	facts.why = 'no shape info on the scores, and the reshape that splits heads could not be evaluated';
	return facts;
}

/**
 * Walk back from a QK MatMul input to the nearest Reshape whose input comes from a projection.
 * Tracks the axis that ends up third from last at the MatMul (heads, or batch*heads when folded),
 * composing Transposes; K arrives transposed ([..., hd, S]), so its head axis is the same one.
 */
function findSplit(ctx: Ctx, start: string): Found | null {
	const rank = ctx.dims(start)?.length ?? null;
	// BFS keeps the nearest reshape; each entry carries the head axis as counted from the end.
	const queue: [string, number | null][] = [[start, -3]];
	const seen = new Set<string>();
	while (queue.length) {
		const [t, axisFromEnd] = queue.shift()!;
		if (seen.has(t)) continue;
		seen.add(t);
		const p = ctx.producer(t);
		if (!p || isMixing(p) || !LAYOUT.has(p.opType)) continue;
		if (p.opType === 'Reshape' && fromProjection(ctx, p.inputs[0])) {
			const shape = evalInts(ctx, p.inputs[1]);
			const r = shape?.length ?? rank;
			return { reshape: p, axis: axisFromEnd === null || r === null ? null : r + axisFromEnd };
		}
		if (p.opType === 'Reshape') continue; // reshaping a cos/sin table or a mask, not Q/K
		let next = axisFromEnd;
		if (p.opType === 'Transpose') {
			const perm = attrInts(p, 'perm');
			const r = perm?.length ?? null;
			next = perm && axisFromEnd !== null && r !== null ? perm[r + axisFromEnd] - r : null;
		} else if (['Squeeze', 'Unsqueeze', 'Gather'].includes(p.opType)) {
			next = null; // rank changes: the axis is lost (heads then come from width / head dim)
		}
		for (const i of p.inputs) if (i && ctx.isAct(i)) queue.push([i, next]);
	}
	return null;
}

/** Reached from a MatMul-like op through layout ops only (Q/K/V, not cos/sin tables). */
function fromProjection(ctx: Ctx, t: string): boolean {
	const seen = new Set<string>();
	const stack = [t];
	while (stack.length) {
		const x = stack.pop()!;
		if (seen.has(x) || seen.size > 200) continue;
		seen.add(x);
		const p = ctx.producer(x);
		if (!p) continue;
		if (isMixing(p)) return true;
		if (!LAYOUT.has(p.opType)) continue;
		for (const i of p.inputs) if (i && ctx.isAct(i)) stack.push(i);
	}
	return false;
}

/** Width (last dim) of the tensor a head split reshapes: shape info, else the projection weight. */
function widthOf(ctx: Ctx, t: string): number | null {
	const d = ctx.dims(t);
	const last = d?.[d.length - 1];
	if (typeof last === 'number') return last;
	let parts = 1;
	for (let hops = 0; hops < 6; hops++) {
		const p = ctx.producer(t);
		if (!p) return null;
		if (p.opType === 'Split') {
			const sizes = (p.inputs[1] ? ctx.value(p.inputs[1])?.data : null) ?? attrInts(p, 'split');
			const k = p.outputs.indexOf(t);
			if (sizes) return sizes[k] ?? null;
			parts *= attrInt(p, 'num_outputs', p.outputs.length);
			t = p.inputs[0];
			continue;
		}
		if (p.opType === 'MatMul' || p.opType === 'Gemm') {
			const w = p.inputs.slice(0, 2).find((i) => !ctx.isAct(i));
			const wd = w ? ctx.g.constantOf(w)?.dims.map(Number) : null;
			if (!wd || wd.length !== 2) return null;
			const transB = p.opType === 'Gemm' && attrInt(p, 'transB', 0) === 1;
			const out = transB ? wd[0] : wd[1];
			return out % parts === 0 ? out / parts : null;
		}
		if (p.opType === 'Slice') {
			const w = sliceWidth(ctx, p);
			if (w === null) return null;
			return w.of === null
				? w.width
				: (() => {
						const full = widthOf(ctx, p.inputs[0]);
						return full === null ? null : clampedWidth(w.of, full);
					})();
		}
		if (['Add', 'Cast', 'Identity', 'Reshape'].includes(p.opType)) {
			const a = ctx.actInputs(p);
			if (a.length !== 1) return null;
			t = a[0];
			continue;
		}
		return null;
	}
	return null;
}

/**
 * A Slice of the last axis (the packed in_proj chunked into Q, K, V): its width from constant
 * starts/ends (attributes before opset 10), or `of` the bounds to clamp once the input's width is known.
 */
function sliceWidth(ctx: Ctx, p: GraphNode): { width: number | null; of: [number, number] | null } | null {
	const ints = (i: number, attr: string) => (p.inputs[i] ? (ctx.value(p.inputs[i])?.data ?? null) : attrInts(p, attr));
	const starts = ints(1, 'starts');
	const ends = ints(2, 'ends');
	const axes = p.inputs[3] || attrInts(p, 'axes') ? ints(3, 'axes') : [0];
	const steps = p.inputs[4] ? ctx.value(p.inputs[4])?.data : null;
	if (!starts || !ends || !axes || starts.length !== 1 || axes.length !== 1 || (steps && steps[0] !== 1)) return null;
	const rank = ctx.dims(p.inputs[0])?.length ?? null;
	if (!(axes[0] === -1 || (rank !== null ? axes[0] === rank - 1 : axes[0] >= 1))) return null;
	const [s, e] = [Number(starts[0]), Number(ends[0])];
	return s >= 0 && e >= s && e < 2 ** 31 ? { width: e - s, of: null } : { width: null, of: [s, e] };
}

function clampedWidth([s, e]: [number, number], full: number): number {
	const at = (v: number) => Math.max(0, Math.min(full, v < 0 ? v + full : v));
	return Math.max(0, at(e) - at(s));
}

/** The model's width: a float graph input's last dim, else the length of a LayerNorm's weight. */
function modelWidth(ctx: Ctx): number | null {
	for (const i of ctx.g.inputs) {
		const last = i.dims?.[i.dims.length - 1];
		if (i.dtype === 'float32' && i.dims && i.dims.length >= 2 && typeof last === 'number') return last;
	}
	for (const n of ctx.g.nodes)
		if (n.opType === 'LayerNormalization' && n.inputs[1]) {
			const d = ctx.g.constantOf(n.inputs[1])?.dims.map(Number);
			if (d?.length === 1) return d[0];
		}
	return null;
}

/** RoPE: rotate_half (Neg and Concat) feeding a Mul then an Add, on the Q or K path. */
function hasRope(ctx: Ctx, qk: GraphNode): boolean {
	const seen = new Set<string>();
	const stack = qk.inputs.filter((i) => i);
	let neg = false;
	let concat = false;
	while (stack.length) {
		const t = stack.pop()!;
		if (seen.has(t) || seen.size > 400) continue;
		seen.add(t);
		const p = ctx.producer(t);
		if (!p || isMixing(p) || p.opType === 'Shape') continue;
		if (p.opType === 'Neg') neg = true;
		if (p.opType === 'Concat' && ctx.actInputs(p).length >= 2) concat = true;
		for (const i of p.inputs) if (i && ctx.isAct(i)) stack.push(i);
	}
	return neg && concat;
}

/** Constant factors applied to Q or K before the MatMul (SDPA exports sqrt(scale) on both). */
function qkScale(ctx: Ctx, qk: GraphNode): number {
	let scale = 1;
	for (const start of qk.inputs.slice(0, 2)) {
		let t = start;
		for (let hops = 0; hops < 8; hops++) {
			const p = ctx.producer(t);
			if (!p) break;
			if (p.opType === 'Mul' || p.opType === 'Div') {
				const sc = ctx.splitConst(p);
				const v = sc ? ctx.scalar(sc[1]) : null;
				if (!sc || v === null) break;
				scale *= p.opType === 'Mul' ? v : sc[1] === p.inputs[1] ? 1 / v : NaN;
				t = sc[0];
				continue;
			}
			if (['Transpose', 'Cast', 'Identity', 'Reshape'].includes(p.opType)) {
				t = p.inputs[0];
				continue;
			}
			break;
		}
	}
	return scale;
}

export type { IntVal };
