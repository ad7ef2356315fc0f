// What each recognized norm did to each token (batch 0, tokens in order). eps, gamma and
// beta come from the graph; the statistics from the captured input and output tensors.
import type { Graph } from '../onnx/graph.js';
import type { NormInfo } from '../analysis/types.js';
import type { TensorStore } from '../tensor/store.js';
import { dytStats, layerNormStats, rmsNormStats } from '../stats/norms.js';
import { mapRows } from '../stats/rows.js';
import { mean, variance } from '../stats/moments.js';
import { floatsOf, type FloatArray } from './numeric.js';
import { paramOf, type ParamJson } from './params.js';

/** One entry of `layers[i].stats.norms`. Arrays hold one number per token; null where they do not apply or a tensor was not captured. */
export interface NormStats {
	kind: NormInfo['kind'];
	input: string;
	output: string;
	eps: number | null;
	alpha: number | null; // DyT only
	mean: number[] | null; // LayerNorm: mean of the input over the hidden axis
	var: number[] | null; // LayerNorm: population variance of the input
	ms: number[] | null; // RMSNorm: mean square of the input
	scale: number[] | null; // the factor applied: 1/sqrt(var + eps) or 1/sqrt(ms + eps)
	out_mean: number[] | null;
	out_var: number[] | null;
	saturation?: number[] | null; // DyT only: fraction of features with |tanh(alpha x)| > 0.95
	gamma: ParamJson | null;
	beta: ParamJson | null;
	/** Tensors the statistics needed that the capture did not hold. */
	missing: string[];
}

function floats(store: TensorStore, name: string): { data: FloatArray; dims: number[] } | null {
	const t = store.get(name);
	const data = t ? floatsOf(t) : null;
	return t && data ? { data, dims: t.dims } : null;
}

export function normStats(norm: NormInfo, store: TensorStore, graph: Graph): NormStats {
	const x = floats(store, norm.input);
	const y = floats(store, norm.output) ?? floats(store, norm.last);
	const missing = [!x && norm.input, !y && norm.output].filter((n): n is string => !!n);
	const out: NormStats = {
		kind: norm.kind,
		input: norm.input,
		output: norm.output,
		eps: norm.kind === 'dyt' ? null : norm.eps,
		alpha: norm.kind === 'dyt' ? norm.alpha : null,
		mean: null,
		var: null,
		ms: null,
		scale: null,
		out_mean: y ? mapRows(y.data, y.dims, mean) : null,
		out_var: y ? mapRows(y.data, y.dims, variance) : null,
		gamma: paramOf(graph, norm.gamma),
		beta: paramOf(graph, norm.beta),
		missing
	};
	// The pure stats functions want both tensors; the output side is already filled above.
	const yy = y ?? x;
	if (norm.kind === 'dyt') {
		out.saturation = x && norm.alpha !== null ? dytStats(x.data, x.dims, yy!.data, yy!.dims, norm.alpha).saturation : null;
		return out;
	}
	if (!x) return out;
	// A norm whose eps recognition could not read: the scale is reported as if eps were 0.
	const eps = norm.eps ?? 0;
	if (norm.kind === 'layernorm') {
		const s = layerNormStats(x.data, x.dims, yy!.data, yy!.dims, eps);
		Object.assign(out, { mean: s.mean, var: s.var, scale: s.scale });
	} else {
		const s = rmsNormStats(x.data, x.dims, yy!.data, yy!.dims, eps);
		Object.assign(out, { ms: s.ms, scale: s.scale });
	}
	return out;
}
