// Each MLP's activation, read from the graph: which function (fused op or its decomposition,
// Casts looked through), the tensors before and after it, and for a gated MLP (GeGLU, SwiGLU)
// the gate's activation, the up projection and their product.
import { attr, attrFloat, type Graph, type GraphNode } from '../onnx/graph.js';
import type { Layer } from './types.js';
import { Ctx } from './walk.js';

export interface ActivationInfo {
	/** relu, gelu_erf, gelu_tanh, gelu_sigmoid, silu, tanh, sigmoid, leaky_relu, mish, or the op lowercased. */
	kind: string;
	gated: boolean;
	/** The fused op ('Gelu', 'FastGelu', ...) or 'decomposed'. */
	op: string;
	/** leaky_relu's slope, QuickGelu's / x*sigmoid(a*x)'s a; null otherwise. */
	alpha: number | null;
	/** The activation's input: the (gate) projection's output, bias included. (B, S, F) */
	pre: string;
	/** A bias the fused op adds before the function (FastGelu, BiasGelu): an initializer, (F). */
	bias: string | null;
	/** The activation's output: act(pre + bias). (B, S, F) */
	act: string;
	/** gated: the up projection x W_up; null otherwise. */
	up: string | null;
	/** What the down projection reads: act, or act * up when gated. (B, S, F) */
	post: string;
	nodes: number[];
}

const MIXING = new Set([
	'MatMul',
	'Gemm',
	'FusedMatMul',
	'MatMulNBits',
	'MatMulBnb4',
	'MatMulInteger',
	'QLinearMatMul',
	'MatMulIntegerToFloat',
	'DynamicQuantizeMatMul',
	'QGemm',
	'Einsum'
]);
const PASS = new Set(['Cast', 'Identity']);

/** Fused activation ops by name; the value is the kind (a function of the node where attributes decide). */
const FUSED: Record<string, (n: GraphNode) => string> = {
	Relu: () => 'relu',
	Gelu: (n) => (text(n, 'approximate') === 'tanh' ? 'gelu_tanh' : 'gelu_erf'),
	BiasGelu: () => 'gelu_erf',
	FastGelu: () => 'gelu_tanh',
	QuickGelu: () => 'gelu_sigmoid',
	Tanh: () => 'tanh',
	Sigmoid: () => 'sigmoid',
	LeakyRelu: () => 'leaky_relu',
	Mish: () => 'mish',
	Elu: () => 'elu',
	Selu: () => 'selu',
	Celu: () => 'celu',
	Softplus: () => 'softplus',
	HardSigmoid: () => 'hardsigmoid',
	HardSwish: () => 'hardswish',
	PRelu: () => 'prelu',
	ThresholdedRelu: () => 'thresholdedrelu'
};

function text(n: GraphNode, name: string): string {
	const s = attr(n, name)?.s;
	return s ? new TextDecoder().decode(s) : '';
}

/** The MLP branch of a block: the tensor its residual add (or parallel sum) receives. */
function mlpBranch(L: Layer): string | null {
	for (const r of L.residuals) {
		if (r.sublayer === 'mlp') return r.branch;
		if (r.sublayer === 'both' && r.mlpPart) return r.mlpPart;
	}
	return null;
}

/** The data input of the down projection the branch ends in (bias Add, scale, Casts looked through). */
function downInput(ctx: Ctx, branch: string): string | null {
	let t = branch;
	for (let hops = 0; hops < 8; hops++) {
		const p = ctx.producer(ctx.peel(t));
		if (!p) return null;
		if (MIXING.has(p.opType)) return ctx.actInputs(p)[0] ?? null;
		const split = ctx.splitConst(p);
		if (!split || !['Add', 'Mul', 'Div', 'Sub'].includes(p.opType)) return null;
		t = split[0];
	}
	return null;
}

/** A projection's output (its bias Add included), seen through Casts; null for anything else. */
function projection(ctx: Ctx, t: string): string | null {
	const p = ctx.producer(ctx.peel(t));
	if (!p) return null;
	if (MIXING.has(p.opType)) return ctx.peel(t);
	const split = p.opType === 'Add' ? ctx.splitConst(p) : null;
	if (split && MIXING.has(ctx.producer(ctx.peel(split[0]))?.opType ?? '')) return ctx.peel(t);
	return null;
}

interface Cone {
	nodes: GraphNode[];
	sources: string[];
}

/** Every node between the projections and `t`, and those projections' outputs. */
function coneOf(ctx: Ctx, t: string): Cone {
	const nodes = new Map<number, GraphNode>();
	const sources = new Set<string>();
	const stack = [t];
	while (stack.length && nodes.size < 64) {
		const cur = stack.pop()!;
		const src = projection(ctx, cur);
		if (src) {
			sources.add(src);
			continue;
		}
		const p = ctx.producer(cur);
		if (!p || nodes.has(p.index)) continue;
		nodes.set(p.index, p);
		stack.push(...ctx.actInputs(p));
	}
	return { nodes: [...nodes.values()].sort((a, b) => a.index - b.index), sources: [...sources] };
}

/** The constants a cone multiplies or divides by (x * 1.702, x / sqrt 2, x^3 * 0.044715). */
function constantsOf(ctx: Ctx, nodes: GraphNode[]): number[] {
	const out: number[] = [];
	for (const n of nodes) {
		const split = ctx.splitConst(n);
		const v = split ? ctx.scalar(split[1]) : null;
		if (v !== null) out.push(v);
	}
	return out;
}

/** A float32 constant as the number it was written as (1.7020000219 -> 1.702). */
const f32 = (x: number) => Number(x.toPrecision(7));
const near = (vs: number[], x: number, tol = 1e-3) => vs.some((v) => Math.abs(v - x) <= tol * Math.abs(x));

/** What function a cone of nodes computes from one source. */
function classify(ctx: Ctx, nodes: GraphNode[]): { kind: string; op: string; alpha: number | null; bias: string | null } {
	const ops = nodes.map((n) => n.opType).filter((o) => !PASS.has(o));
	const has = (o: string) => ops.includes(o);
	const one = nodes.filter((n) => !PASS.has(n.opType));
	if (one.length === 1 && FUSED[one[0].opType]) {
		const n = one[0];
		const alpha =
			n.opType === 'LeakyRelu' ? f32(attrFloat(n, 'alpha', 0.01)) : n.opType === 'QuickGelu' ? f32(attrFloat(n, 'alpha', 1.702)) : null;
		const b = n.inputs[1];
		const bias = (n.opType === 'FastGelu' || n.opType === 'BiasGelu') && b && !ctx.isAct(b) ? b : null;
		return { kind: FUSED[n.opType](n), op: n.opType, alpha, bias };
	}
	const cs = constantsOf(ctx, nodes);
	if (has('Erf')) return { kind: 'gelu_erf', op: 'decomposed', alpha: null, bias: null };
	if (has('Tanh') && (has('Softplus') || (has('Log') && has('Exp')))) return { kind: 'mish', op: 'decomposed', alpha: null, bias: null };
	if (has('Tanh') && near(cs, 0.044715)) return { kind: 'gelu_tanh', op: 'decomposed', alpha: null, bias: null };
	if (has('Sigmoid') && has('Mul')) {
		const a = cs.find((v) => v > 1.5 && v < 1.9);
		return a !== undefined
			? { kind: 'gelu_sigmoid', op: 'decomposed', alpha: f32(a), bias: null }
			: { kind: 'silu', op: 'decomposed', alpha: null, bias: null };
	}
	if ((has('Max') || has('Clip')) && ops.length === 1) return { kind: 'relu', op: 'decomposed', alpha: null, bias: null };
	return { kind: ops.length ? [...new Set(ops)].join('+').toLowerCase() : 'identity', op: 'decomposed', alpha: null, bias: null };
}

/** The activation of block L's MLP, or null where the block has no MLP branch or it is not read. */
export function mlpActivation(ctx: Ctx, L: Layer): ActivationInfo | null {
	const branch = mlpBranch(L);
	const post = branch ? downInput(ctx, branch) : null;
	if (!post) return null;
	const cone = coneOf(ctx, post);
	if (cone.sources.length === 1) {
		const c = classify(ctx, cone.nodes);
		return { ...c, gated: false, pre: cone.sources[0], act: post, up: null, post, nodes: cone.nodes.map((n) => n.index) };
	}
	if (cone.sources.length !== 2) return null;
	// Gated: post = act(gate) * up; the operand of the product that is itself a projection is up.
	const prod = ctx.producer(ctx.peel(post));
	if (!prod || prod.opType !== 'Mul') return null;
	const [a, b] = ctx.actInputs(prod);
	if (!a || !b) return null;
	const upOf = projection(ctx, a) ? a : projection(ctx, b) ? b : null;
	if (!upOf) return null;
	const act = upOf === a ? b : a;
	const gateCone = coneOf(ctx, act);
	if (gateCone.sources.length !== 1) return null;
	const c = classify(ctx, gateCone.nodes);
	return {
		...c,
		gated: true,
		pre: gateCone.sources[0],
		act: ctx.peel(act),
		up: projection(ctx, upOf),
		post,
		nodes: cone.nodes.map((n) => n.index)
	};
}

/** Every block's MLP activation (null where not read), in block order. */
export function mlpActivations(graph: Graph, layers: readonly Layer[], ctx: Ctx = new Ctx(graph)): (ActivationInfo | null)[] {
	return layers.map((L) => mlpActivation(ctx, L));
}

/**
 * TransformerLens's MLP hooks (mlp.hook_pre, mlp.hook_post, and mlp.hook_pre_linear for a gated
 * MLP's up projection), and the activation's tensors in the semantic capture set (graph order).
 */
export function addMlpHooks(
	ctx: Ctx,
	layers: readonly Layer[],
	h: { hooks: Map<string, string>; hookTensors: Map<string, string>; semantic: string[] }
): void {
	const extra = new Set<string>();
	const name = (hook: string, t: string | null) => {
		if (!t) return;
		if (!h.hookTensors.has(hook)) h.hookTensors.set(hook, t);
		if (!h.hooks.has(t)) h.hooks.set(t, hook);
		extra.add(t);
	};
	mlpActivations(ctx.g, layers, ctx).forEach((a, i) => {
		if (!a) return;
		name(`blocks.${layers[i].index}.mlp.hook_pre`, a.pre);
		name(`blocks.${layers[i].index}.mlp.hook_pre_linear`, a.up);
		name(`blocks.${layers[i].index}.mlp.hook_post`, a.post);
		extra.add(a.act);
	});
	const had = new Set(h.semantic);
	const added = [...extra].filter((t) => !had.has(t) && ctx.isAct(t));
	const at = (t: string) => ctx.g.producer.get(t)?.index ?? -1;
	h.semantic.splice(0, h.semantic.length, ...[...h.semantic, ...added].sort((a, b) => at(a) - at(b)));
}
