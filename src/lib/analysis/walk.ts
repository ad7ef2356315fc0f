// Graph questions every recognizer asks: is this tensor data (depends on an input) or a constant,
// does one tensor feed another, and through what. One Ctx per analysis; answers are cached.
import type { Graph, GraphNode, Dim } from '../onnx/graph.js';
import { constValue, type ConstValue } from './consts.js';

/** Ops that mix features with learned weights or with each other: a residual branch has one. */
const MIXING = new Set([
	'MatMul',
	'Gemm',
	'Conv',
	'ConvTranspose',
	'Einsum',
	'MatMulInteger',
	'QLinearMatMul',
	'FusedMatMul',
	'MatMulNBits',
	'MatMulBnb4',
	'MatMulIntegerToFloat',
	'DynamicQuantizeMatMul',
	'QGemm',
	'Attention',
	'QAttention',
	'MultiHeadAttention',
	'GroupQueryAttention',
	'FusedConv'
]);

/** Ops that write a sum (4th output) and the norm of that sum (1st output). */
const SUM_THEN_NORM = new Set(['SkipLayerNormalization', 'SkipSimplifiedLayerNormalization']);

/** Ops whose output carries no values of their input, only its shape. */
const SHAPE_ONLY = new Set(['Shape', 'Size']);

export class Ctx {
	private readonly act = new Set<string>();
	private readonly constCache = new Map<string, ConstValue | null>();

	constructor(readonly g: Graph) {
		for (const i of g.inputs) this.act.add(i.name);
		for (const n of g.nodes) {
			if (SHAPE_ONLY.has(n.opType)) continue;
			if (n.inputs.some((i) => i && this.act.has(i))) for (const o of n.outputs) if (o) this.act.add(o);
		}
	}

	/** Depends on the values of a graph input (not only on shapes or constants). */
	isAct(t: string): boolean {
		return this.act.has(t);
	}

	producer(t: string): GraphNode | undefined {
		return this.g.producer.get(t);
	}

	consumers(t: string): GraphNode[] {
		return this.g.consumersOf(t);
	}

	/** Producer's index; -1 for graph inputs and initializers. */
	idx(t: string): number {
		return this.g.producer.get(t)?.index ?? -1;
	}

	dims(t: string): Dim[] | null {
		return this.g.valueInfo.get(t)?.dims ?? null;
	}

	/** A constant's values (folded through Cast/Identity/Sqrt/... where small); null for data. */
	value(t: string): ConstValue | null {
		if (this.act.has(t)) return null;
		let v = this.constCache.get(t);
		if (v === undefined) {
			v = constValue(this.g, t);
			this.constCache.set(t, v);
		}
		return v;
	}

	/** A one-element constant's value. */
	scalar(t: string): number | null {
		const v = this.value(t);
		return v && v.data.length === 1 ? v.data[0] : null;
	}

	/** The initializer behind a tensor (Identity looked through), or null. */
	initializerName(t: string): string | null {
		for (let hops = 0; hops < 8; hops++) {
			if (this.g.initializers.has(t)) return t;
			const p = this.producer(t);
			if (!p) return null;
			if (p.opType === 'Constant') return t;
			if (p.opType !== 'Identity') return null;
			t = p.inputs[0];
		}
		return null;
	}

	/** Look back through Identity, Cast and QDQ pairs (no-op for the math recognition cares about, up to rounding). */
	peel(t: string): string {
		for (let hops = 0; hops < 16; hops++) {
			const p = this.producer(t);
			if (p && p.opType === 'DequantizeLinear' && this.producer(p.inputs[0])?.opType === 'QuantizeLinear') {
				t = this.producer(p.inputs[0])!.inputs[0];
				continue;
			}
			if (!p || (p.opType !== 'Identity' && p.opType !== 'Cast') || !p.inputs[0]) return t;
			t = p.inputs[0];
		}
		return t;
	}

	/** The node's inputs that are data, in order. */
	actInputs(n: GraphNode): string[] {
		return n.inputs.filter((i) => i && this.act.has(i));
	}

	/** For a binary op with exactly one data operand: [data, constant]; else null. */
	splitConst(n: GraphNode): [string, string] | null {
		const [a, b] = n.inputs;
		if (!a || !b) return null;
		if (this.act.has(a) && !this.act.has(b)) return [a, b];
		if (this.act.has(b) && !this.act.has(a)) return [b, a];
		return null;
	}

	/**
	 * Does tensor `from` feed tensor `to` through data edges (Shape/Size cut the path)?
	 * With `mixing`, only paths that pass through a MatMul-like op count.
	 */
	reaches(from: string, to: string, mixing = false): boolean {
		if (from === to) return !mixing;
		const floor = this.idx(from);
		const top = this.idx(to);
		if (top < floor || (top === floor && !SUM_THEN_NORM.has(this.producer(to)?.opType ?? ''))) return false;
		// State: tensor + whether a mixing op is already on the path (from `to` backwards).
		const seen = new Set<string>();
		const stack: [string, boolean][] = [[to, false]];
		while (stack.length) {
			const [t, mixed] = stack.pop()!;
			const key = mixed ? '1' + t : '0' + t;
			if (seen.has(key)) continue;
			seen.add(key);
			const p = this.producer(t);
			// A Skip*Normalization's norm output is computed from its own stream-sum output.
			if (p && p.index === floor && t !== from && SUM_THEN_NORM.has(p.opType) && p.outputs[3] === from) {
				if (mixed || !mixing) return true;
				continue;
			}
			if (!p || p.index <= floor || SHAPE_ONLY.has(p.opType)) continue;
			const m = mixed || MIXING.has(p.opType);
			for (const i of p.inputs) {
				if (!i || !this.act.has(i)) continue;
				if (i === from) {
					if (m || !mixing) return true;
					continue;
				}
				stack.push([i, m]);
			}
		}
		return false;
	}
}

export function isMixing(n: GraphNode): boolean {
	return MIXING.has(n.opType);
}

/** The graph output name a tensor is published under (through Identity), or the tensor itself. */
export function publicName(ctx: Ctx, t: string): string {
	if (ctx.g.outputs.some((o) => o.name === t)) return t;
	let cur = t;
	for (let hops = 0; hops < 4; hops++) {
		const cs = ctx.consumers(cur);
		if (cs.length !== 1 || cs[0].opType !== 'Identity') break;
		cur = cs[0].outputs[0];
		if (ctx.g.outputs.some((o) => o.name === cur)) return cur;
	}
	return t;
}

/** Short label for messages: the node's name, or its op and first output. */
export function nodeLabel(n: GraphNode): string {
	return n.name ? `${n.opType} "${n.name}"` : `${n.opType} -> "${n.outputs[0]}"`;
}
