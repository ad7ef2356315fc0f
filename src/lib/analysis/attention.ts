// Attention patterns: a Softmax over the last axis whose scores come from a MatMul of two
// activations (Q and K^T), through any of: a constant scale (Div/Mul), masks (Add of large
// negatives, Where with -inf), soft-capping (Tanh), Cast/Reshape/Transpose.
import type { GraphNode } from '../onnx/graph.js';
import { attrInt } from '../onnx/graph.js';
import type { AttentionInfo, MaskInfo, Note } from './types.js';
import { headFacts } from './heads.js';
import { isLargeNegative, maskFacts } from './mask.js';
import { nodeLabel, type Ctx } from './walk.js';
import { f32 } from './norms.js';
import { fusedAttention } from './fused.js';

const PASS = new Set(['Cast', 'Identity', 'Reshape', 'Transpose', 'Squeeze', 'Unsqueeze', 'QuantizeLinear', 'DequantizeLinear']);
const FUSED_ATTENTION = new Set([
	'Attention',
	'MultiHeadAttention',
	'GroupQueryAttention',
	'PackedAttention',
	'SparseAttention',
	'QAttention'
]);

interface Trace {
	qk: GraphNode;
	nodes: number[]; // nodes between the MatMul and the softmax (scale, masks, casts)
	scale: number;
	masks: MaskInfo[];
	masked: boolean;
	softcap: boolean;
}

type TraceResult = Trace | { fail: string };

export function findAttention(ctx: Ctx): { attention: AttentionInfo[]; unrecognized: Note[]; ambiguities: Note[] } {
	const attention: AttentionInfo[] = [];
	const unrecognized: Note[] = [];
	const ambiguities: Note[] = [];
	for (const n of ctx.g.nodes) {
		if (FUSED_ATTENTION.has(n.opType)) {
			const r = fusedAttention(ctx, n);
			if ('fail' in r) unrecognized.push({ what: nodeLabel(n), why: r.fail });
			else attention.push(r);
			continue;
		}
		if (n.opType !== 'Softmax') continue;
		const r = recognize(ctx, n);
		if ('fail' in r) unrecognized.push({ what: nodeLabel(n), why: r.fail });
		else {
			attention.push(r.info);
			for (const a of r.ambiguities) ambiguities.push({ what: nodeLabel(n), why: a });
		}
	}
	return { attention, unrecognized, ambiguities };
}

/** Recognize one Softmax; `lenient` (an override) keeps whatever could be learned. */
export function recognize(ctx: Ctx, sm: GraphNode, lenient = false): { info: AttentionInfo; ambiguities: string[] } | { fail: string } {
	const ambiguities: string[] = [];
	const axisProblem = checkAxis(ctx, sm);
	if (axisProblem && !lenient) return { fail: axisProblem };
	const t = traceScores(ctx, sm.inputs[0], 0, lenient);
	if ('fail' in t && !lenient) return t;
	const trace = 'fail' in t ? null : t;
	const hf = trace ? headFacts(ctx, sm, trace.qk) : null;
	if (hf && hf.heads === null && hf.why) ambiguities.push(`head count unknown: ${hf.why}`);
	if (axisProblem) ambiguities.push(axisProblem);
	if (!trace && 'fail' in t) ambiguities.push(t.fail);
	// A positive axis with no shape info (opset 11/12 exports write axis=3): the head split's rank decides.
	const axis = attrInt(sm, 'axis', ctx.g.opset >= 13 ? -1 : 1);
	const shapeRank = ctx.dims(sm.inputs[0])?.length ?? ctx.dims(sm.outputs[0])?.length ?? null;
	const splitRank = hf?.layout === 'BHSS' ? 4 : hf?.layout === 'BH,S,S' ? 3 : null;
	if (axis !== -1 && shapeRank === null) {
		if (splitRank !== null && axis !== splitRank - 1 && !lenient)
			return { fail: `softmax over axis ${axis} of rank-${splitRank} scores, not the last axis` };
		if (splitRank === null) ambiguities.push(`softmax over axis ${axis} and the rank is unknown: taken as the last axis`);
	}
	const info: AttentionInfo = {
		pattern: sm.outputs[0],
		scores: sm.inputs[0],
		qk: trace?.qk.outputs[0] ?? sm.inputs[0],
		softmax: sm.index,
		heads: hf?.heads ?? null,
		headsFrom: hf?.headsFrom ?? null,
		layout: hf?.layout ?? null,
		masks: trace?.masks ?? [],
		masked: trace?.masked ?? false,
		scale: trace && hf && Number.isFinite(trace.scale * hf.scale) ? f32(trace.scale * hf.scale) : null,
		rope: hf?.rope ?? false,
		softcap: trace?.softcap ?? false,
		scoreNodes: trace?.nodes ?? [],
		op: 'Softmax',
		derived: false,
		kvHeads: null,
		fused: null
	};
	return { info, ambiguities };
}

function checkAxis(ctx: Ctx, sm: GraphNode): string | null {
	const axis = attrInt(sm, 'axis', ctx.g.opset >= 13 ? -1 : 1);
	if (axis === -1) return null;
	const rank = ctx.dims(sm.inputs[0])?.length ?? ctx.dims(sm.outputs[0])?.length ?? null;
	if (rank === null) return axis >= 2 ? null : `softmax over axis ${axis}, not the last axis of a score matrix`;
	return axis === rank - 1 ? null : `softmax over axis ${axis} of a rank-${rank} tensor, not the last axis`;
}

/** Walk back from the softmax input to the QK MatMul, noting the nodes on the way. */
function traceScores(ctx: Ctx, t: string, depth: number, lenient = false): TraceResult {
	const r = traceStep(ctx, t, depth, lenient);
	const p = ctx.producer(t);
	if (!('fail' in r) && p && p !== r.qk) r.nodes.push(p.index);
	return r;
}

function traceStep(ctx: Ctx, t: string, depth: number, lenient: boolean): TraceResult {
	if (depth > 24) return { fail: 'the scores path is too long to follow' };
	const p = ctx.producer(t);
	if (!p) return { fail: 'the softmax reads a graph input, not computed scores' };
	if (PASS.has(p.opType)) return traceScores(ctx, p.inputs[0], depth + 1, lenient);
	switch (p.opType) {
		case 'MatMul':
		case 'FusedMatMul':
		case 'Einsum': {
			const [a, b] = p.inputs;
			if (!ctx.isAct(a) || !ctx.isAct(b))
				return { fail: `its scores come from ${p.opType} with a constant operand (a projection, e.g. a classifier head), not from Q·K^T` };
			const scale = p.opType === 'FusedMatMul' ? (p.proto.attribute.find((x) => x.name === 'alpha')?.f ?? 1) : 1;
			return { qk: p, nodes: [], scale, masks: [], masked: false, softcap: false };
		}
		case 'Div':
		case 'Mul': {
			const sc = ctx.splitConst(p);
			if (sc) {
				const v = ctx.scalar(sc[1]);
				const inner = traceScores(ctx, sc[0], depth + 1, lenient);
				if ('fail' in inner) return inner;
				const factor = v === null ? NaN : p.opType === 'Mul' ? v : sc[1] === p.inputs[1] ? 1 / v : NaN;
				return { ...inner, scale: inner.scale * factor };
			}
			if (p.opType === 'Mul') return maskOp(ctx, p, depth, 'Mul', lenient); // multiplicative 0/1 mask
			return { fail: 'the scores are divided by data, not a constant' };
		}
		case 'Add':
		case 'Sub':
			return maskOp(ctx, p, depth, p.opType, lenient);
		case 'Where': {
			const [c, x, y] = p.inputs;
			const tx = traceScores(ctx, x, depth + 1, lenient);
			const ty = 'fail' in tx ? traceScores(ctx, y, depth + 1, lenient) : tx;
			const inner = 'fail' in tx ? ty : tx;
			if ('fail' in inner) return { fail: `neither branch of Where "${p.name}" leads to a Q·K^T MatMul` };
			const fill = 'fail' in tx ? x : y;
			const fv = ctx.value(fill);
			const facts = maskFacts(ctx, c, !('fail' in tx));
			const large = fv ? fv.data.some(isLargeNegative) : facts.largeNegative;
			return {
				...inner,
				masks: [...inner.masks, { op: 'Where', tensor: c, kinds: facts.kinds }],
				masked: inner.masked || large
			};
		}
		case 'Tanh': {
			const inner = traceScores(ctx, p.inputs[0], depth + 1, lenient);
			return 'fail' in inner ? inner : { ...inner, softcap: true };
		}
		default: {
			// The user said this is a pattern: walk through ops we do not know when they have one data input.
			const data = ctx.actInputs(p);
			if (lenient && data.length === 1) return traceScores(ctx, data[0], depth + 1, lenient);
			return { fail: `its input comes from ${p.opType}, not from a MatMul of two activations (Q·K^T)` };
		}
	}
}

/** Add/Sub/Mul of the scores and something else: a mask or a position bias. */
function maskOp(ctx: Ctx, p: GraphNode, depth: number, op: MaskInfo['op'], lenient: boolean): TraceResult {
	const [a, b] = p.inputs;
	const ta: TraceResult = ctx.isAct(a) ? traceScores(ctx, a, depth + 1, lenient) : { fail: '' };
	const tb: TraceResult = 'fail' in ta && ctx.isAct(b) ? traceScores(ctx, b, depth + 1, lenient) : ta;
	const inner = 'fail' in ta ? tb : ta;
	if ('fail' in inner) {
		// One data operand (a bias add): its own failure says more than "no operand".
		const only = [ta, tb].filter((r, i) => ctx.isAct(p.inputs[i]) && 'fail' in r && r.fail);
		if (only.length === 1 && 'fail' in only[0]) return only[0];
		return { fail: `no operand of ${p.opType} "${p.name}" leads to a Q·K^T MatMul` };
	}
	const other = 'fail' in ta ? a : b;
	const facts = maskFacts(ctx, other, null);
	const v = ctx.value(other);
	// An additive mask holds large negatives; a graph-input mask is taken as one too. A constant
	// without large negatives (ALiBi, relative position bias) is a bias, not a mask.
	const isMask =
		op === 'Mul' ||
		(v ? v.data.some(isLargeNegative) : facts.largeNegative || facts.kinds.includes('padding') || facts.kinds.includes('causal'));
	if (!isMask) return inner;
	return { ...inner, masks: [...inner.masks, { op, tensor: other, kinds: facts.kinds }], masked: true };
}
