// What a norm did to each token (seed-notes: Normalization). Inputs are the captured tensors
// [B, S, D] (batch 0 is used); outputs are one number per token.
import { l2, mean, meanSquare, variance, extent } from './moments.js';
import { mapRows, type Numeric } from './rows.js';

export interface LayerNormStats {
	mean: number[];
	var: number[];
	scale: number[]; // 1 / sqrt(var + eps): the factor actually applied
	out_mean: number[];
	out_var: number[];
}

export interface RmsNormStats {
	ms: number[]; // mean square of the input
	scale: number[]; // 1 / sqrt(ms + eps)
	out_mean: number[];
	out_var: number[];
}

export interface DytStats {
	alpha: number;
	saturation: number[]; // fraction of features with |tanh(alpha x)| > 0.95
	out_mean: number[];
	out_var: number[];
}

export interface ParamSummary {
	norm: number;
	min: number;
	max: number;
}

/** |tanh(alpha x)| above this counts as saturated. */
export const DYT_SATURATION = 0.95;

function outputMoments(output: Numeric, dims: readonly number[]): Pick<LayerNormStats, 'out_mean' | 'out_var'> {
	return { out_mean: mapRows(output, dims, mean), out_var: mapRows(output, dims, variance) };
}

export function layerNormStats(
	input: Numeric,
	inDims: readonly number[],
	output: Numeric,
	outDims: readonly number[],
	eps: number
): LayerNormStats {
	const m = mapRows(input, inDims, mean);
	const v = mapRows(input, inDims, variance);
	return { mean: m, var: v, scale: v.map((x) => 1 / Math.sqrt(x + eps)), ...outputMoments(output, outDims) };
}

export function rmsNormStats(
	input: Numeric,
	inDims: readonly number[],
	output: Numeric,
	outDims: readonly number[],
	eps: number
): RmsNormStats {
	const ms = mapRows(input, inDims, meanSquare);
	return { ms, scale: ms.map((x) => 1 / Math.sqrt(x + eps)), ...outputMoments(output, outDims) };
}

export function dytStats(input: Numeric, inDims: readonly number[], output: Numeric, outDims: readonly number[], alpha: number): DytStats {
	const saturation = mapRows(input, inDims, (row) => {
		let n = 0;
		for (let i = 0; i < row.length; i++) if (Math.abs(Math.tanh(alpha * row[i])) > DYT_SATURATION) n++;
		return n / row.length;
	});
	return { alpha, saturation, ...outputMoments(output, outDims) };
}

export function paramSummary(p: Numeric): ParamSummary {
	const [min, max] = extent(p);
	return { norm: l2(p), min, max };
}
