// Values of constant tensors, folded through the small ops exporters put in front of constants:
// torch writes `Sqrt(Constant)` for SDPA's scale, `Cast(Constant)` for baddbmm's alpha, `Neg` and
// `Div(1, x)` for masks and reciprocals. Only what recognition needs (eps, alpha, scale, mask fill
// values, mask patterns, reshape targets), not a general evaluator.
import type { Graph } from '../onnx/graph.js';
import { attrInt, attrInts, attrFloat, attr } from '../onnx/graph.js';
import { tensorDims, tensorNumbers } from '../onnx/tensor.js';

export interface ConstValue {
	dims: number[];
	data: number[];
}

const MAX_ELEMENTS = 1 << 22; // a 2048x2048 mask buffer; bigger constants are weights, not answers

export function constValue(g: Graph, name: string, depth = 0): ConstValue | null {
	if (depth > 24) return null;
	const t = g.initializers.get(name) ?? g.constants.get(name);
	if (t) {
		const dims = tensorDims(t);
		if (dims.reduce((a, b) => a * b, 1) > MAX_ELEMENTS) return null;
		const data = tensorNumbers(t);
		return data ? { dims, data } : null;
	}
	const n = g.producer.get(name);
	if (!n) return null;
	const arg = (i: number) => (n.inputs[i] ? constValue(g, n.inputs[i], depth + 1) : null);
	switch (n.opType) {
		case 'Identity':
		case 'Cast':
		case 'CastLike':
			return arg(0);
		case 'Sqrt':
			return map1(arg(0), Math.sqrt);
		case 'Neg':
			return map1(arg(0), (x) => -x);
		case 'Reciprocal':
			return map1(arg(0), (x) => 1 / x);
		case 'Exp':
			return map1(arg(0), Math.exp);
		case 'Not':
			return map1(arg(0), (x) => (x ? 0 : 1));
		case 'Add':
			return map2(arg(0), arg(1), (a, b) => a + b);
		case 'Sub':
			return map2(arg(0), arg(1), (a, b) => a - b);
		case 'Mul':
			return map2(arg(0), arg(1), (a, b) => a * b);
		case 'Div':
			return map2(arg(0), arg(1), (a, b) => a / b);
		case 'Pow':
			return map2(arg(0), arg(1), (a, b) => a ** b);
		case 'Unsqueeze':
		case 'Squeeze':
		case 'Reshape':
		case 'Flatten': {
			// Values unchanged; the new dims only matter for scalars, which stay scalars.
			const v = arg(0);
			if (!v) return null;
			return { dims: v.data.length === 1 ? [] : reshapeDims(g, n, v), data: v.data };
		}
		case 'ConstantOfShape': {
			const shape = arg(0);
			if (!shape) return null;
			const size = shape.data.reduce((a, b) => a * b, 1);
			if (size > MAX_ELEMENTS) return null;
			const a = attr(n, 'value');
			const fill = a?.t ? (tensorNumbers(a.t)?.[0] ?? 0) : 0;
			return { dims: shape.data, data: new Array(size).fill(fill) };
		}
		case 'Where': {
			const [c, x, y] = [arg(0), arg(1), arg(2)];
			if (!c || !x || !y) return null;
			const len = Math.max(c.data.length, x.data.length, y.data.length);
			const pick = (v: ConstValue, i: number) => (v.data.length === 1 ? v.data[0] : v.data[i]);
			if ([c, x, y].some((v) => v.data.length !== 1 && v.data.length !== len)) return null;
			const dims = [c, x, y].find((v) => v.data.length === len)!.dims;
			return { dims, data: Array.from({ length: len }, (_, i) => (pick(c, i) ? pick(x, i) : pick(y, i))) };
		}
		default:
			return null;
	}
}

function map1(v: ConstValue | null, f: (x: number) => number): ConstValue | null {
	return v ? { dims: v.dims, data: v.data.map(f) } : null;
}

/** Elementwise with scalar broadcasting only (what constant scales and fills need). */
function map2(a: ConstValue | null, b: ConstValue | null, f: (x: number, y: number) => number): ConstValue | null {
	if (!a || !b) return null;
	if (a.data.length === 1) return { dims: b.dims, data: b.data.map((y) => f(a.data[0], y)) };
	if (b.data.length === 1) return { dims: a.dims, data: a.data.map((x) => f(x, b.data[0])) };
	if (a.data.length !== b.data.length) return null;
	return { dims: a.dims, data: a.data.map((x, i) => f(x, b.data[i])) };
}

function reshapeDims(g: Graph, n: { opType: string; inputs: string[] } & Parameters<typeof attrInt>[0], v: ConstValue): number[] {
	if (n.opType === 'Reshape' && n.inputs[1]) {
		const s = constValue(g, n.inputs[1]);
		if (s && s.data.every((d) => d > 0)) return s.data;
	}
	if (n.opType === 'Unsqueeze') {
		const axes = attrInts(n, 'axes') ?? (n.inputs[1] ? constValue(g, n.inputs[1])?.data : null);
		if (axes) {
			const out = [...v.dims];
			for (const a of [...axes].sort((x, y) => x - y)) out.splice(a < 0 ? out.length + a + 1 : a, 0, 1);
			return out;
		}
	}
	if (n.opType === 'Squeeze') return v.dims.filter((d) => d !== 1);
	return [v.data.length];
}

/** A float attribute or a default, re-exported for recognizers that read eps. */
export { attrFloat, attrInt };
