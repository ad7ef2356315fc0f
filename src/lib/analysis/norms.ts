// Norm recognition: fused ops and the decomposed spellings exporters emit (seed-notes: LayerNorm,
// RMSNorm, DyT). Each norm is reported with the tensor it reads, the tensor it writes, eps and
// its affine parameters.
import type { GraphNode } from '../onnx/graph.js';
import { attrFloat } from '../onnx/graph.js';
import type { NormInfo, NormKind, Note } from './types.js';
import { nodeLabel, publicName, type Ctx } from './walk.js';
import { isSkipNorm, skipNorm } from './skip.js';
import { embedNorm, isEmbedNorm } from './embed.js';
import { inputThroughCast, isCentered, isSquare, lastAxisReduce, mulWith, same, single, f32 } from './norm-match.js';

export { f32 };

const FUSED: Record<string, NormKind> = {
	LayerNormalization: 'layernorm',
	SimplifiedLayerNormalization: 'rmsnorm',
	RMSNormalization: 'rmsnorm'
};

export function findNorms(ctx: Ctx): { norms: NormInfo[]; unrecognized: Note[] } {
	const norms: NormInfo[] = [];
	const unrecognized: Note[] = [];
	const used = new Set<number>();
	for (const n of ctx.g.nodes) {
		if (used.has(n.index)) continue;
		let found: NormInfo | null = null;
		if (FUSED[n.opType]) found = fused(ctx, n, FUSED[n.opType]);
		else if (isSkipNorm(n)) found = skipNorm(ctx, n);
		else if (isEmbedNorm(n)) found = embedNorm(ctx, n);
		else if (n.opType === 'SkipGroupNorm')
			unrecognized.push({
				what: nodeLabel(n),
				why: 'SkipGroupNorm (a diffusion UNet op): a group norm over channels, not a transformer block norm'
			});
		else if (n.opType === 'ReduceMean') found = decomposedLayerNorm(ctx, n);
		else if (n.opType === 'Pow' || n.opType === 'Mul') found = decomposedRms(ctx, n);
		else if (n.opType === 'Tanh') found = dyt(ctx, n);
		if (!found || found.nodes.some((i) => used.has(i))) continue;
		for (const i of found.nodes) used.add(i);
		norms.push(found);
	}
	norms.sort((a, b) => Math.max(...a.nodes) - Math.max(...b.nodes));
	return { norms, unrecognized };
}

function fused(ctx: Ctx, n: GraphNode, kind: NormKind): NormInfo | null {
	const x = n.inputs[0];
	if (!x || !ctx.isAct(x)) return null;
	const [input, castNodes] = inputThroughCast(ctx, x, [n.index]);
	return {
		kind,
		form: 'fused',
		spelling: n.opType,
		input,
		output: publicName(ctx, n.outputs[0]),
		last: n.outputs[0],
		eps: f32(attrFloat(n, 'epsilon', 1e-5)),
		gamma: n.inputs[1] ? ctx.initializerName(n.inputs[1]) : null,
		beta: kind === 'layernorm' && n.inputs[2] ? ctx.initializerName(n.inputs[2]) : null,
		alpha: null,
		scale: null,
		nodes: [...castNodes, n.index],
		op: n.opType
	};
}

/** ReduceMean(x) -> Sub(x, mean) -> Pow(2)|Mul -> ReduceMean -> Add(eps) -> ... */
function decomposedLayerNorm(ctx: Ctx, mean: GraphNode): NormInfo | null {
	const x = mean.inputs[0];
	if (!x || !ctx.isAct(x) || !lastAxisReduce(ctx, mean)) return null;
	const sub = ctx
		.consumers(mean.outputs[0])
		.find((c) => c.opType === 'Sub' && c.inputs[1] === mean.outputs[0] && same(ctx, c.inputs[0], x));
	if (!sub) return null;
	const d = sub.outputs[0];
	const sq = ctx.consumers(d).find((c) => isSquare(ctx, c, d));
	if (!sq) return null;
	const tail = statTail(ctx, sq, d);
	if (!tail) return null;
	return decomposed(ctx, 'layernorm', x, tail, [mean.index, sub.index], ['ReduceMean', 'Sub']);
}

/** Pow(x, 2)|Mul(x, x) -> ReduceMean -> Add(eps) -> Sqrt -> Div | Reciprocal+Mul | Pow(-0.5)+Mul -> Mul(gamma) */
function decomposedRms(ctx: Ctx, sq: GraphNode): NormInfo | null {
	const x = sq.inputs[0];
	if (!x || !ctx.isAct(x) || !isSquare(ctx, sq, x)) return null;
	if (isCentered(ctx, x)) return null; // a LayerNorm's variance, found from its ReduceMean
	const tail = statTail(ctx, sq, x);
	if (!tail) return null;
	return decomposed(ctx, 'rmsnorm', x, tail, [], []);
}

/** A decomposed norm from its statistics tail; LayerNorm adds its centring nodes in front. */
function decomposed(
	ctx: Ctx,
	kind: 'layernorm' | 'rmsnorm',
	x: string,
	tail: NonNullable<ReturnType<typeof statTail>>,
	headNodes: number[],
	headSpelling: string[]
): NormInfo {
	const nodes = [...headNodes, ...tail.nodes];
	const [input, castNodes] = inputThroughCast(ctx, x, nodes);
	return {
		kind,
		form: 'decomposed',
		spelling: [...headSpelling, ...tail.spelling].join('>'),
		input,
		output: publicName(ctx, tail.output),
		last: tail.output,
		eps: tail.eps,
		gamma: tail.gamma,
		beta: tail.beta,
		alpha: null,
		scale: tail.scale,
		nodes: [...castNodes, ...nodes]
	};
}

/** Mul(x, alpha) -> Tanh -> Mul(gamma) -> Add(beta). GELU's tanh feeds Add(1), not Mul(gamma). */
function dyt(ctx: Ctx, tanh: GraphNode): NormInfo | null {
	const m = ctx.producer(tanh.inputs[0]);
	if (!m || m.opType !== 'Mul') return null;
	const sc = ctx.splitConst(m);
	if (!sc) return null;
	const alpha = f32(ctx.scalar(sc[1]));
	if (alpha === null) return null;
	const cs = ctx.consumers(tanh.outputs[0]);
	if (cs.length !== 1 || cs[0].opType !== 'Mul') return null;
	const g = ctx.splitConst(cs[0]);
	if (!g || g[0] !== tanh.outputs[0]) return null;
	const nodes = [m.index, tanh.index, cs[0].index];
	let out = cs[0].outputs[0];
	let beta: string | null = null;
	const bs = ctx.consumers(out);
	if (bs.length === 1 && bs[0].opType === 'Add') {
		const b = ctx.splitConst(bs[0]);
		if (b && b[0] === out) {
			beta = ctx.initializerName(b[1]);
			nodes.push(bs[0].index);
			out = bs[0].outputs[0];
		}
	}
	return {
		kind: 'dyt',
		form: 'decomposed',
		spelling: beta ? 'Mul>Tanh>Mul>Add' : 'Mul>Tanh>Mul',
		input: sc[0],
		output: publicName(ctx, out),
		last: out,
		eps: null,
		gamma: ctx.initializerName(g[1]),
		beta,
		alpha,
		scale: null,
		nodes
	};
}

interface Tail {
	nodes: number[];
	spelling: string[];
	output: string;
	eps: number | null;
	gamma: string | null;
	beta: string | null;
	scale: string | null;
}

/**
 * From the squaring node on: mean of squares, + eps, then the division by the root in one of its
 * spellings, then the optional affine part. `num` is what gets divided (x - mean, or x).
 */
function statTail(ctx: Ctx, sq: GraphNode, num: string): Tail | null {
	const red = single(ctx, sq.outputs[0], 'ReduceMean');
	if (!red || !lastAxisReduce(ctx, red)) return null;
	const add = single(ctx, red.outputs[0], 'Add');
	if (!add) return null;
	const ae = ctx.splitConst(add);
	if (!ae || ae[0] !== red.outputs[0]) return null;
	const eps = f32(ctx.scalar(ae[1]));
	const nodes = [sq.index, red.index, add.index];
	const spelling = [sq.opType, 'ReduceMean', 'Add'];
	const ve = add.outputs[0];
	let scale: string | null = null;
	let normalized: GraphNode | undefined;
	for (const c of ctx.consumers(ve)) {
		if (c.opType === 'Sqrt' || (c.opType === 'Pow' && ctx.scalar(c.inputs[1]) === 0.5)) {
			const s = c.outputs[0];
			const div = ctx.consumers(s).find((d) => d.opType === 'Div' && d.inputs[1] === s && same(ctx, d.inputs[0], num));
			if (div) {
				normalized = div;
				nodes.push(c.index, div.index);
				spelling.push(c.opType, 'Div');
			} else {
				// 1/sqrt as Reciprocal or Div(1, s), then multiplied in.
				const inv = ctx
					.consumers(s)
					.find((d) => d.opType === 'Reciprocal' || (d.opType === 'Div' && d.inputs[1] === s && ctx.scalar(d.inputs[0]) === 1));
				const mul = inv && mulWith(ctx, inv.outputs[0], num);
				if (!inv || !mul) continue;
				normalized = mul;
				nodes.push(c.index, inv.index, mul.index);
				spelling.push(c.opType, inv.opType === 'Div' ? 'Div(1,x)' : inv.opType, 'Mul');
			}
			scale = s;
			break;
		}
		if (c.opType === 'Pow' && ctx.scalar(c.inputs[1]) === -0.5) {
			const mul = mulWith(ctx, c.outputs[0], num);
			if (!mul) continue;
			normalized = mul;
			nodes.push(c.index, mul.index);
			spelling.push('Pow', 'Mul');
			break;
		}
	}
	if (!normalized) return null;
	return { ...affine(ctx, normalized.outputs[0], nodes, spelling), nodes, spelling, eps, scale };
}

/** The affine part after the normalization: Mul(gamma) then Add(beta), each optional, a Cast allowed before either. */
function affine(
	ctx: Ctx,
	normalized: string,
	nodes: number[],
	spelling: string[]
): { output: string; gamma: string | null; beta: string | null } {
	let out = normalized;
	let gamma: string | null = null;
	let beta: string | null = null;
	const next = (op: string): GraphNode | null => {
		let t = out;
		const cast: GraphNode[] = [];
		for (let hops = 0; hops < 2; hops++) {
			const cs = ctx.consumers(t);
			if (cs.length !== 1) return null;
			if (cs[0].opType === 'Cast') {
				cast.push(cs[0]);
				t = cs[0].outputs[0];
				continue;
			}
			if (cs[0].opType !== op) return null;
			const sc = ctx.splitConst(cs[0]);
			if (!sc || sc[0] !== t) return null;
			for (const k of cast) {
				nodes.push(k.index);
				spelling.push('Cast');
			}
			return cs[0];
		}
		return null;
	};
	const gm = next('Mul');
	if (gm) {
		gamma = ctx.initializerName(ctx.splitConst(gm)![1]);
		nodes.push(gm.index);
		spelling.push('Mul');
		out = gm.outputs[0];
	}
	const ba = next('Add');
	if (ba) {
		beta = ctx.initializerName(ctx.splitConst(ba)![1]);
		nodes.push(ba.index);
		spelling.push('Add');
		out = ba.outputs[0];
	}
	return { output: out, gamma, beta };
}
