// `layers[i].mlp` (the CLI's JSON) and the page's FFN panel: each MLP's activation as the graph
// spells it and what it did on this input (batch 0), from the captured pre- and post-activation.
import type { Graph } from '../onnx/graph.js';
import type { Structure } from '../analysis/types.js';
import { mlpActivations, type ActivationInfo } from '../analysis/index.js';
import { constValue } from '../analysis/consts.js';
import type { TensorStore } from '../tensor/store.js';
import { floatsOf } from './numeric.js';
import { rowsOf } from '../stats/rows.js';
import {
	approxError,
	deadFraction,
	gateSaturation,
	histogram,
	topUnits,
	zeroFraction,
	type Histogram,
	type Saturation,
	type Unit
} from '../stats/ffn.js';

/** Kinds whose output is ~0 for x <= 0, so a unit that never sees x > 0 is dead. */
const RELU_LIKE = new Set([
	'relu',
	'leaky_relu',
	'gelu_erf',
	'gelu_tanh',
	'gelu_sigmoid',
	'silu',
	'mish',
	'elu',
	'selu',
	'celu',
	'hardswish',
	'thresholdedrelu',
	'prelu'
]);

export interface MlpStats {
	/** ReLU-like kinds only: units whose pre-activation is <= 0 on every token. */
	dead_fraction: number | null;
	/** post-activation entries with |y| <= 1e-3 max|y| */
	zero_fraction: number | null;
	/** GELU approximations: max |approx(x) - gelu_exact(x)| over the x seen; null otherwise. */
	approx_max_err: number | null;
	approx_max_err_at: number | null;
	/** gated MLPs: how often act(g)/g is <= 0.02 (off) or >= 0.98 (on). */
	gate_saturation: Saturation | null;
}

export interface MlpReport {
	activation: string;
	gated: boolean;
	op: string;
	alpha: number | null;
	/** tensor names: the activation's input, what the down projection reads, the activated gate and the up projection (gated) */
	pre: string;
	post: string;
	gate: string | null;
	up: string | null;
	/** the captured tensors were found (false: not in this capture) */
	captured: boolean;
	stats: MlpStats;
}

/** The panel's extra: histograms (pre: of what the function sees, bias included) and the top units per token (not in the CLI's JSON). */
export interface MlpDetail extends MlpReport {
	layer: number;
	hist: { pre: Histogram; post: Histogram } | null;
	top: Unit[][];
	/** batch 0's values, (S, F) row-major: what the function saw (pre + bias) and its output */
	x: ArrayLike<number> | null;
	y: ArrayLike<number> | null;
	width: number;
}

const EMPTY: MlpStats = { dead_fraction: null, zero_fraction: null, approx_max_err: null, approx_max_err_at: null, gate_saturation: null };

/** Batch 0's (S, F) rows of a captured float tensor; null when it is not in the store. */
function rowsIn(store: TensorStore, name: string | null): { data: ArrayLike<number>; rows: number; width: number } | null {
	const t = name ? store.get(name) : undefined;
	const f = t ? floatsOf(t) : null;
	if (!t || !f) return null;
	const { rows, width } = rowsOf(t.dims);
	return { data: f.subarray(0, rows * width), rows, width };
}

const r6 = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? null : Math.round(x * 1e6) / 1e6);

/** An activation with its fused op's bias values: all the page needs (it has no graph). */
export interface MlpPlan extends ActivationInfo {
	biasValues: number[] | null;
}

/** Every block's activation (null where not read), bias values read from the graph. */
export function mlpPlans(graph: Graph, structure: Pick<Structure, 'layers'>): (MlpPlan | null)[] {
	return mlpActivations(graph, structure.layers).map((a) =>
		a ? { ...a, biasValues: a.bias ? (constValue(graph, a.bias)?.data ?? null) : null } : null
	);
}

/** One layer's report and detail from its activation plan and the captured tensors. */
export function mlpDetail(a: MlpPlan, layer: number, store: TensorStore, k = 5): MlpDetail {
	const base = {
		layer,
		activation: a.kind,
		gated: a.gated,
		op: a.op,
		alpha: a.alpha,
		pre: a.pre,
		post: a.post,
		gate: a.gated ? a.act : null,
		up: a.up
	};
	const pre = rowsIn(store, a.pre);
	const post = rowsIn(store, a.post);
	if (!pre || !post) return { ...base, captured: false, stats: EMPTY, hist: null, top: [], x: null, y: null, width: 0 };
	// A fused op's bias is added inside it: the function sees pre + bias.
	const bias = a.biasValues;
	const x = bias ? Float64Array.from(pre.data, (v, i) => v + bias[i % pre.width]) : pre.data;
	const err = approxError(a.kind, x, pre.width, null, a.alpha);
	const gate = a.gated ? rowsIn(store, a.act) : null;
	const sat = gate ? gateSaturation(x, gate.data) : null;
	const stats: MlpStats = {
		dead_fraction: RELU_LIKE.has(a.kind) ? r6(deadFraction(x, pre.rows, pre.width)) : null,
		zero_fraction: r6(zeroFraction(post.data)),
		approx_max_err: err ? err.max : null,
		approx_max_err_at: err ? r6(err.at) : null,
		gate_saturation: sat ? { off: r6(sat.off)!, on: r6(sat.on)! } : null
	};
	return {
		...base,
		captured: true,
		stats,
		hist: { pre: histogram(x), post: histogram(post.data) },
		top: topUnits(post.data, post.rows, post.width, k),
		x,
		y: post.data,
		width: post.width
	};
}

/** Every block's MLP detail (null where its activation was not read). */
export function mlpDetails(graph: Graph, structure: Structure, store: TensorStore): (MlpDetail | null)[] {
	return mlpPlans(graph, structure).map((a, i) => (a ? mlpDetail(a, structure.layers[i].index, store) : null));
}

/** The CLI's `layers[i].mlp`: the report without the histograms and per-token units. */
export function mlpReports(graph: Graph, structure: Structure, store: TensorStore): (MlpReport | null)[] {
	return mlpDetails(graph, structure, store).map((d) => {
		if (!d) return null;
		const { activation, gated, op, alpha, pre, post, gate, up, captured, stats } = d;
		return { activation, gated, op, alpha, pre, post, gate, up, captured, stats };
	});
}
