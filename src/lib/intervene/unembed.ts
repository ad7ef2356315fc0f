// The unembedding: the final norm (or none) then a MatMul/Gemm with a constant weight from the
// stream's width to the vocabulary. The logit lens and direct logit attribution read through it.
import { downstream, type Graph, type GraphNode } from '../onnx/graph.js';
import type { PlacedNorm, Structure } from '../analysis/types.js';
import type { NormParams, Unembedding } from '../stats/logits.js';
import { constFloats } from './heads.js';

export interface UnembedSite {
	/** The stream entering the final norm (or the unembedding when there is none). */
	stream: string;
	norm: PlacedNorm | null;
	weight: string;
	transposed: boolean; // weight is [V, D] (Gemm transB, a tied embedding through Transpose)
	bias: string | null;
	logits: string; // the output, bias included
	d: number;
	v: number;
}

/** Ops that pass the stream along unchanged. */
const PASS = new Set(['Identity', 'Cast']);

function follow(g: Graph, t: string): GraphNode[] {
	const out: GraphNode[] = [];
	for (const n of g.consumersOf(t)) {
		if (PASS.has(n.opType)) out.push(...follow(g, n.outputs[0]));
		else out.push(n);
	}
	return out;
}

/** A constant rank-2 weight, or one behind Transpose(perm 1,0) (tied embeddings): its name and orientation. */
function weightOf(g: Graph, name: string): { weight: string; flipped: boolean; dims: number[] } | null {
	const t = g.constantOf(name);
	if (t) return t.dims.length === 2 ? { weight: name, flipped: false, dims: t.dims.map(Number) } : null;
	const p = g.producer.get(name);
	if (p?.opType !== 'Transpose') return null;
	const perm = p.proto.attribute.find((a) => a.name === 'perm')?.ints.map(Number);
	const src = g.constantOf(p.inputs[0]);
	if (!src || src.dims.length !== 2 || (perm && perm.join() !== '1,0')) return null;
	return { weight: p.inputs[0], flipped: true, dims: src.dims.map(Number).reverse() };
}

export function findUnembed(g: Graph, s: Structure): UnembedSite | { why: string } {
	const last = s.layers[s.layers.length - 1];
	if (!last?.output) return { why: 'no recognized block output to start from' };
	const norm = s.finalNorm;
	const from = norm ? norm.output : last.output;
	const stream = norm ? norm.input : last.output;
	const seen: string[] = [];
	for (const n of follow(g, from)) {
		seen.push(n.opType);
		const gemm = n.opType === 'Gemm';
		if (n.opType !== 'MatMul' && !gemm) continue;
		const w = weightOf(g, n.inputs[1]);
		if (!w) continue;
		const transB = gemm && Number(n.proto.attribute.find((a) => a.name === 'transB')?.i ?? 0) === 1;
		const transposed = w.flipped !== transB; // as stored: [V, D] when true
		const [d, v] = transB ? [w.dims[1], w.dims[0]] : w.dims; // dims as used: [D, V]
		let bias: string | null = gemm && n.inputs[2] ? n.inputs[2] : null;
		let logits = n.outputs[0];
		const next = g.consumersOf(logits);
		if (!gemm && next.length === 1 && next[0].opType === 'Add') {
			const other = next[0].inputs[0] === logits ? next[0].inputs[1] : next[0].inputs[0];
			if (g.isConstant(other)) {
				bias = other;
				logits = next[0].outputs[0];
			}
		}
		return { stream, norm, weight: w.weight, transposed, bias, logits, d, v };
	}
	const after = norm ? 'the final norm' : 'the last block';
	return {
		why: seen.length
			? `${after} feeds ${[...new Set(seen)].join(', ')}, not a MatMul/Gemm with a constant weight (a quantized or fused head is not read)`
			: `nothing reads ${after}'s output: the model has no unembedding (a block or an encoder without an LM head)`
	};
}

/** The final norm's parameters for the stats kernels; a reason when they cannot be read. */
export function normParams(g: Graph, norm: PlacedNorm | null): NormParams | { why: string } {
	if (!norm) return { kind: 'none', gamma: null, beta: null, eps: 0, alpha: null };
	const gamma = norm.gamma ? (constFloats(g, norm.gamma)?.data ?? null) : null;
	const beta = norm.beta ? (constFloats(g, norm.beta)?.data ?? null) : null;
	if (norm.gamma && !gamma) return { why: `the final norm's gamma (${norm.gamma}) cannot be read` };
	if (norm.beta && !beta) return { why: `the final norm's beta (${norm.beta}) cannot be read` };
	if (norm.kind !== 'dyt' && norm.eps === null) return { why: "the final norm's eps is not a constant" };
	if (norm.kind === 'dyt' && norm.alpha === null) return { why: "the final DyT's alpha is not a constant" };
	return { kind: norm.kind, gamma, beta, eps: norm.eps ?? 0, alpha: norm.alpha };
}

/** The unembedding's weight and bias for the stats kernels. */
export function unembedding(g: Graph, u: UnembedSite): Unembedding | { why: string } {
	const w = constFloats(g, u.weight);
	if (!w) return { why: `the unembedding weight (${u.weight}) cannot be read (external data or not float)` };
	const b = u.bias ? constFloats(g, u.bias) : null;
	if (u.bias && (!b || b.data.length !== u.v)) return { why: `the unembedding bias (${u.bias}) cannot be read as [${u.v}]` };
	return { w: w.data, d: u.d, v: u.v, transposed: u.transposed, bias: b ? b.data : null };
}

/** Ops between the final norm and the unembedding that keep one row per token (GPT-2's flatten to [B*S, D]). */
const ROWWISE = new Set(['Identity', 'Cast', 'Reshape', 'Flatten']);

/** The LM head as a path: the first node reading the final stream (and which input), the MatMul/Gemm, the graph outputs after it. */
export interface HeadPath {
	/** The tensor entering the path: the final norm's output, or the last block's without one. */
	from: string;
	first: GraphNode;
	slot: number;
	head: GraphNode;
	outputs: string[];
}

/**
 * The unembedding reached from the final stream through row-wise ops (reshapes included), so that
 * slicing `from` along the token axis slices the logits the same way; why not where there is none.
 */
export function headPath(g: Graph, s: Structure): HeadPath | { why: string } {
	const last = s.layers[s.layers.length - 1];
	if (!last?.output) return { why: 'no recognized block output to start from' };
	const from = s.finalNorm ? s.finalNorm.output : last.output;
	const walk = (t: string, first: { node: GraphNode; slot: number } | null, depth: number): HeadPath | null => {
		if (depth > 4) return null;
		for (const n of g.consumersOf(t)) {
			const start = first ?? { node: n, slot: n.inputs.indexOf(t) };
			const linear = (n.opType === 'MatMul' || n.opType === 'Gemm') && n.inputs[0] === t && weightOf(g, n.inputs[1]);
			if (linear) return { from, first: start.node, slot: start.slot, head: n, outputs: outputsAfter(g, n.outputs[0]) };
			if (ROWWISE.has(n.opType) && n.inputs[0] === t) {
				const found = walk(n.outputs[0], start, depth + 1);
				if (found) return found;
			}
		}
		return null;
	};
	return walk(from, null, 0) ?? { why: "no MatMul/Gemm with a constant weight reads the final stream's rows" };
}

/** The graph outputs computed from `t`. */
function outputsAfter(g: Graph, t: string): string[] {
	const after = downstream(g, [t]);
	return g.outputs.map((o) => o.name).filter((n) => after.has(n));
}
