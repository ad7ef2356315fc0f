// Partial evaluation of integer shape tensors (the `Shape -> Gather -> Unsqueeze -> Concat` chains
// that exporters build reshape targets with). Unknown entries stay unknown but keep a known factor,
// so `Mul(batch, 4)` still says "4 heads folded into the batch".
import type { Ctx } from './walk.js';
import { attrInt, attrInts } from '../onnx/graph.js';

/** An entry: a known number, or unknown times a known factor. */
export type IntVal = number | { factor: number };

export function isKnown(v: IntVal | undefined): v is number {
	return typeof v === 'number';
}

/** The entries of a 1-D (or scalar) int tensor, or null when even the length is unknown. */
export function evalInts(ctx: Ctx, name: string, depth = 0): IntVal[] | null {
	if (depth > 32) return null;
	const c = ctx.value(name);
	if (c) return c.data;
	const n = ctx.producer(name);
	if (!n) {
		const d = ctx.dims(name);
		// A graph input holding a shape: we know its length at most.
		return d && d.length === 1 && typeof d[0] === 'number' ? Array.from({ length: d[0] }, () => ({ factor: 1 })) : null;
	}
	const arg = (i: number) => (n.inputs[i] ? evalInts(ctx, n.inputs[i], depth + 1) : null);
	switch (n.opType) {
		case 'Shape': {
			const d = ctx.dims(n.inputs[0]);
			if (!d) return null;
			const all: IntVal[] = d.map((x) => (typeof x === 'number' ? x : { factor: 1 }));
			const start = attrInt(n, 'start', 0);
			const endAttr = attrInt(n, 'end', all.length);
			return all.slice(start, endAttr);
		}
		case 'Identity':
		case 'Cast':
		case 'Squeeze':
		case 'Unsqueeze':
		case 'Reshape':
			return arg(0);
		case 'Gather': {
			const data = arg(0);
			const idx = ctx.value(n.inputs[1]);
			if (!idx) return null;
			if (!data) return idx.data.length === 1 ? [{ factor: 1 }] : null; // a Gather of an unknown shape is one unknown
			const out: IntVal[] = [];
			for (const i of idx.data) {
				const v = data[i < 0 ? data.length + i : i];
				if (v === undefined) return null;
				out.push(v);
			}
			return out;
		}
		case 'Concat': {
			const out: IntVal[] = [];
			for (let i = 0; i < n.inputs.length; i++) {
				const part = arg(i);
				if (!part) return null;
				out.push(...part);
			}
			return out;
		}
		case 'Slice': {
			const data = arg(0);
			const starts = n.inputs[1] ? ctx.value(n.inputs[1]) : null;
			const ends = n.inputs[2] ? ctx.value(n.inputs[2]) : null;
			const s = starts?.data[0] ?? attrInts(n, 'starts')?.[0];
			const e = ends?.data[0] ?? attrInts(n, 'ends')?.[0];
			if (!data || s === undefined || e === undefined) return null;
			const len = data.length;
			const clamp = (x: number) => Math.max(0, Math.min(len, x < 0 ? len + x : x));
			return data.slice(clamp(s), clamp(e));
		}
		case 'Mul':
		case 'Div':
		case 'Add':
		case 'Sub': {
			const a = arg(0);
			const b = arg(1);
			if (!a || !b) return null;
			const len = Math.max(a.length, b.length);
			if ((a.length !== 1 && a.length !== len) || (b.length !== 1 && b.length !== len)) return null;
			return Array.from({ length: len }, (_, i) => binary(n.opType, a[a.length === 1 ? 0 : i], b[b.length === 1 ? 0 : i]));
		}
		default:
			return null;
	}
}

function binary(op: string, a: IntVal, b: IntVal): IntVal {
	if (isKnown(a) && isKnown(b)) {
		if (op === 'Mul') return a * b;
		if (op === 'Div') return Math.trunc(a / b);
		if (op === 'Add') return a + b;
		return a - b;
	}
	if (op === 'Mul') {
		if (isKnown(a)) return { factor: a * (b as { factor: number }).factor };
		if (isKnown(b)) return { factor: b * a.factor };
	}
	return { factor: 1 };
}
