// The numeric health of one run. NaN/Inf per tensor (mask -inf counted apart as "masked"),
// the first non-finite tensor in graph order and the node that made it, softmax row sums, all-zero
// attention rows, norm inputs below eps, values beyond float16's range, and what the capture set
// did to ORT's fusions.
import { weightCounts, type Graph } from '../onnx/index.js';
import type { NormInfo, Structure } from '../analysis/index.js';
import type { CapturedTensor, TensorStore } from '../tensor/index.js';
import { FP16_MAX, mapRows, meanSquare, scanValues, softmaxRows, variance } from '../stats/index.js';
import { floatsOf, unravel, type FloatArray } from './numeric.js';
import { maskedByDesign } from './masks.js';
import { brokenFusions, type FusionNote } from './fusion.js';
import { quantizedWeights, type QuantizedWeight } from './quant-weights.js';

/** A softmax row whose sum is off by more than this is a failed check. */
export const SOFTMAX_TOLERANCE = 1e-3;

/** A tensor using this share of float16's range (max |x| / 65504) or more is two doublings from overflow: warned. */
export const FP16_WARN_RATIO = 0.25;

export interface HealthOptions {
	capture?: 'none' | 'semantic' | 'all';
	exposed?: readonly string[];
	softmaxTolerance?: number;
	/** Also count NaN/Inf in the float initializers (default true). */
	initializers?: boolean;
}

export interface NonFiniteEntry {
	tensor: string;
	nan: number;
	inf: number; // +inf and -inf together (mask -inf excluded)
	pos_inf: number;
	neg_inf: number;
	hook: string | null;
	node: string | null; // the producing node's name (op type where it has none)
	op: string | null;
}

export interface NodeInput {
	name: string;
	source: 'initializer' | 'captured' | 'not captured';
	nan: number | null; // null where the values are not known
	inf: number | null;
}

export interface FirstNonFinite {
	tensor: string;
	node: string | null;
	op: string | null;
	inputs: NodeInput[];
	why: string;
}

export interface Health {
	nonfinite: NonFiniteEntry[];
	first_nonfinite: string | null;
	first_nonfinite_node: FirstNonFinite | null;
	/** Mask values by design: -inf in mask constants and in masked scores feeding a Softmax. */
	masked: { tensor: string; neg_inf: number }[];
	/** false when recognition failed: then no -inf is excused as a mask. */
	masks_known: boolean;
	softmax_row_sum_max_err: number; // over rows with a finite sum; 0 when no pattern was captured
	softmax_rows: number; // rows checked, all patterns
	softmax_off: { tensor: string; rows: number; max_err: number }[]; // patterns with rows off by > tolerance
	softmax_nonfinite_rows: number;
	softmax_tolerance: number;
	zero_rows: { tensor: string; count: number; rows: number[][] }[]; // multi-indices of the row (the last axis dropped), first 16
	norm_below_eps: {
		norm: string;
		input: string;
		kind: 'layernorm' | 'rmsnorm';
		eps: number;
		hook: string | null;
		tokens: number[];
		min: number;
	}[];
	fp16_overflow: string[];
	fp16_overflow_counts: { tensor: string; count: number; max_abs: number }[];
	/** Every float tensor's share of float16's range: max |x| / 65504 (mask fills left out), graph order. */
	fp16_headroom: { tensor: string; max_abs: number; ratio: number }[];
	/** Tensors at FP16_WARN_RATIO of the range or more that do not overflow yet: the warning before it. */
	fp16_near_overflow: { tensor: string; max_abs: number; ratio: number }[];
	nonfinite_initializers: { name: string; nan: number; inf: number }[];
	/** Quantized weights as their ops dequantize them: NaN/Inf and the range of the values computed with. */
	quantized_weights: QuantizedWeight[];
	capture: { set: 'none' | 'semantic' | 'all' | null; exposed: number; fusion: FusionNote[] };
	tensors_checked: number;
}

interface Counts {
	nan: number;
	pos: number;
	neg: number;
	over: number; // finite |x| > FP16_MAX
	maxAbs: number;
	absMax: number; // largest finite |x| (masked: largest positive), 0 when none
}

/** NaN, +inf, -inf, fp16 overflow. In masked tensors large negatives are the mask's fill, not overflow. */
function count(x: FloatArray, masked: boolean): Counts {
	const s = scanValues(x);
	const over = masked ? s.overPos : s.overPos + s.overNeg;
	// The largest |x| among the overflowing values is the largest overall (or the max, when only positives count).
	const maxAbs = !over ? 0 : masked ? s.max : Math.max(s.max, -s.min);
	const absMax = !s.finite ? 0 : masked ? Math.max(0, s.max) : Math.max(s.max, -s.min);
	return { nan: s.nan, pos: s.posInf, neg: s.negInf, over, maxAbs, absMax };
}

function constCounts(graph: Graph, name: string): { nan: number; inf: number } | null {
	const t = graph.constantOf(name);
	return t ? weightCounts(t) : null;
}

function describeFirst(graph: Graph, store: TensorStore, tensor: string): FirstNonFinite {
	const p = graph.producer.get(tensor);
	if (!p) return { tensor, node: null, op: null, inputs: [], why: `"${tensor}" is a graph input: the values fed in are not finite` };
	const inputs: NodeInput[] = p.inputs.filter(Boolean).map((name) => {
		const k = constCounts(graph, name);
		if (k) return { name, source: 'initializer', ...k };
		const t = store.get(name);
		const f = t ? floatsOf(t) : null;
		if (t && !f) return { name, source: 'captured', nan: 0, inf: 0 }; // integer tensor
		if (t && f) {
			const c = count(f, false);
			return { name, source: 'captured', nan: c.nan, inf: c.pos + c.neg };
		}
		return { name, source: 'not captured', nan: null, inf: null };
	});
	const node = p.name || p.opType;
	const bad = inputs.filter((i) => (i.nan ?? 0) + (i.inf ?? 0) > 0);
	const unknown = inputs.filter((i) => i.source === 'not captured');
	let why: string;
	if (bad.length)
		why = `${p.opType} "${node}" read ${bad.map((i) => `${i.source === 'initializer' ? 'initializer' : 'tensor'} "${i.name}" holding ${countText(i)}`).join(' and ')}`;
	else if (unknown.length)
		why = `${p.opType} "${node}" produced it; ${unknown.map((i) => `"${i.name}"`).join(', ')} not captured (run with capture "all" to see whether the op or its input went non-finite)`;
	else why = `${p.opType} "${node}" produced it from finite inputs: an overflow or a division by zero inside the op`;
	return { tensor, node, op: p.opType, inputs, why };
}

function countText(i: { nan: number | null; inf: number | null }): string {
	return [i.nan ? `${i.nan} NaN` : '', i.inf ? `${i.inf} Inf` : ''].filter(Boolean).join(', ');
}

function belowEps(norm: NormInfo, store: TensorStore, hooks: Map<string, string>): Health['norm_below_eps'][number] | null {
	if (norm.kind === 'dyt') return null;
	const t = store.get(norm.input);
	const x = t ? floatsOf(t) : null;
	if (!t || !x) return null;
	const eps = norm.eps ?? 0;
	const v = mapRows(x, t.dims, norm.kind === 'layernorm' ? variance : meanSquare);
	// Below eps is the hazard; exactly 0 with eps 0 is a division by zero.
	const tokens = v.flatMap((s, i) => (s < eps || s === 0 ? [i] : []));
	if (!tokens.length) return null;
	return {
		norm: norm.output,
		input: norm.input,
		kind: norm.kind,
		eps,
		hook: hooks.get(norm.output) ?? null,
		tokens,
		min: Math.min(...tokens.map((i) => v[i]))
	};
}

export function health(graph: Graph, structure: Structure | null, store: TensorStore, opts: HealthOptions = {}): Health {
	const tol = opts.softmaxTolerance ?? SOFTMAX_TOLERANCE;
	const masked = maskedByDesign(graph, structure);
	const hooks = structure?.hooks ?? new Map<string, string>();
	const h: Health = {
		nonfinite: [],
		first_nonfinite: null,
		first_nonfinite_node: null,
		masked: [],
		masks_known: structure !== null,
		softmax_row_sum_max_err: 0,
		softmax_rows: 0,
		softmax_off: [],
		softmax_nonfinite_rows: 0,
		softmax_tolerance: tol,
		zero_rows: [],
		norm_below_eps: [],
		fp16_overflow: [],
		fp16_overflow_counts: [],
		fp16_headroom: [],
		fp16_near_overflow: [],
		nonfinite_initializers: [],
		quantized_weights: [],
		capture: { set: opts.capture ?? null, exposed: opts.exposed?.length ?? 0, fusion: brokenFusions(graph, structure, opts.exposed ?? []) },
		tensors_checked: 0
	};
	for (const t of store) {
		const x = floatsOf(t);
		if (!x) continue;
		h.tensors_checked++;
		const isMask = masked.has(t.name);
		const c = count(x, isMask);
		if (isMask && c.neg) h.masked.push({ tensor: t.name, neg_inf: c.neg });
		const neg = isMask ? 0 : c.neg;
		if (c.nan || c.pos || neg) {
			const p = graph.producer.get(t.name);
			h.nonfinite.push({
				tensor: t.name,
				nan: c.nan,
				inf: c.pos + neg,
				pos_inf: c.pos,
				neg_inf: neg,
				hook: hooks.get(t.name) ?? null,
				node: p ? p.name || p.opType : null,
				op: p?.opType ?? null
			});
		}
		if (c.over) {
			h.fp16_overflow.push(t.name);
			h.fp16_overflow_counts.push({ tensor: t.name, count: c.over, max_abs: c.maxAbs });
		}
		const room = { tensor: t.name, max_abs: c.absMax, ratio: c.absMax / FP16_MAX };
		h.fp16_headroom.push(room);
		if (!c.over && room.ratio >= FP16_WARN_RATIO) h.fp16_near_overflow.push(room);
	}
	if (h.nonfinite.length) {
		h.first_nonfinite = h.nonfinite[0].tensor;
		h.first_nonfinite_node = describeFirst(graph, store, h.first_nonfinite);
	}
	for (const a of structure?.attention ?? []) checkPattern(store.get(a.pattern), tol, h);
	for (const n of structure?.norms ?? []) {
		const b = belowEps(n, store, hooks);
		if (b) h.norm_below_eps.push(b);
	}
	if (opts.initializers ?? true) h.quantized_weights = quantizedWeights(graph);
	if (opts.initializers ?? true)
		for (const name of graph.initializers.keys()) {
			if (masked.has(name)) continue; // a mask table holds -inf by design
			const k = constCounts(graph, name);
			if (k && k.nan + k.inf) h.nonfinite_initializers.push({ name, ...k });
		}
	return h;
}

function checkPattern(t: CapturedTensor | undefined, tol: number, h: Health): void {
	const x = t ? floatsOf(t) : null;
	if (!t || !x || !t.dims.length) return;
	const cols = t.dims[t.dims.length - 1];
	const s = softmaxRows(x, cols, tol);
	h.softmax_rows += s.rows;
	h.softmax_nonfinite_rows += s.nonfinite;
	h.softmax_row_sum_max_err = Math.max(h.softmax_row_sum_max_err, s.max_err);
	if (s.off) h.softmax_off.push({ tensor: t.name, rows: s.off, max_err: s.max_err });
	if (s.zero.length)
		h.zero_rows.push({ tensor: t.name, count: s.zero.length, rows: s.zero.slice(0, 16).map((r) => unravel(r, t.dims.slice(0, -1))) });
}

/** Why `inspect --check` fails (empty when it passes): a non-finite tensor or a softmax row that does not sum to 1. */
export function healthProblems(h: Health): string[] {
	const out: string[] = [];
	if (h.first_nonfinite) {
		const e = h.nonfinite[0];
		const where = h.first_nonfinite_node?.why ?? '';
		out.push(`first non-finite tensor "${h.first_nonfinite}" (${countText(e)})${where ? `: ${where}` : ''}`);
		if (h.nonfinite.length > 1) out.push(`${h.nonfinite.length} tensors hold NaN or Inf in all`);
	}
	if (h.softmax_off.length)
		out.push(
			`softmax rows off by more than ${h.softmax_tolerance}: ${h.softmax_off.map((s) => `${s.tensor} (${s.rows} row${s.rows === 1 ? '' : 's'}, max |sum - 1| ${s.max_err.toPrecision(3)})`).join(', ')}`
		);
	if (h.softmax_nonfinite_rows)
		out.push(`${h.softmax_nonfinite_rows} attention row${h.softmax_nonfinite_rows === 1 ? '' : 's'} hold NaN or Inf`);
	return out;
}
