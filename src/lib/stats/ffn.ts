// What an MLP's activation does to the values it sees: histograms, dead units, near-zero
// outputs, the most active units per token, a GELU approximation's error against exact GELU,
// and a gate's saturation. Inputs are batch 0's rows: (S, F) row-major, S tokens of F units.
import type { Numeric } from './rows.js';
import { erf } from './erf.js';

export interface Histogram {
	/** Equal-width bins over [lo, hi]; counts[k] holds values in [lo + k w, lo + (k+1) w) (the last bin closed). */
	lo: number;
	hi: number;
	counts: number[];
	/** Values left out: NaN or +-Inf. */
	nonFinite: number;
}

export function histogram(x: Numeric, bins = 40): Histogram {
	let lo = Infinity,
		hi = -Infinity,
		nonFinite = 0;
	for (let i = 0; i < x.length; i++) {
		const v = x[i];
		if (!Number.isFinite(v)) nonFinite++;
		else {
			if (v < lo) lo = v;
			if (v > hi) hi = v;
		}
	}
	const counts = new Array<number>(bins).fill(0);
	if (lo > hi) return { lo: 0, hi: 0, counts, nonFinite };
	const w = (hi - lo) / bins;
	for (let i = 0; i < x.length; i++) {
		const v = x[i];
		if (!Number.isFinite(v)) continue;
		counts[w > 0 ? Math.min(bins - 1, Math.floor((v - lo) / w)) : 0]++;
	}
	return { lo, hi, counts, nonFinite };
}

/** Fraction of units (columns) whose pre-activation is <= 0 on every token (a ReLU-like unit that never fires). */
export function deadFraction(pre: Numeric, rows: number, width: number): number {
	if (!rows || !width) return NaN;
	let dead = 0;
	for (let j = 0; j < width; j++) {
		let fires = false;
		for (let i = 0; i < rows && !fires; i++) fires = pre[i * width + j] > 0;
		if (!fires) dead++;
	}
	return dead / width;
}

/** Near zero: |y| <= ZERO_REL * max |y| over the layer's outputs. */
export const ZERO_REL = 1e-3;

/** Fraction of outputs with |y| <= ZERO_REL * max|y| (all of them when every output is 0). */
export function zeroFraction(post: Numeric, rel = ZERO_REL): number {
	if (!post.length) return NaN;
	let max = 0;
	for (let i = 0; i < post.length; i++) max = Math.max(max, Math.abs(post[i]));
	const tol = rel * max;
	let n = 0;
	for (let i = 0; i < post.length; i++) if (Math.abs(post[i]) <= tol) n++;
	return n / post.length;
}

export interface Unit {
	unit: number;
	value: number;
}

/** Per token, the k units with the largest output, largest first (ties: lower unit first). */
export function topUnits(post: Numeric, rows: number, width: number, k = 5): Unit[][] {
	const out: Unit[][] = [];
	for (let i = 0; i < rows; i++) {
		const row: Unit[] = [];
		for (let j = 0; j < width; j++) row.push({ unit: j, value: post[i * width + j] });
		row.sort((a, b) => b.value - a.value || a.unit - b.unit);
		out.push(row.slice(0, k));
	}
	return out;
}

export const geluExact = (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2));
export const geluTanh = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
export const geluSigmoid = (x: number, a = 1.702) => x / (1 + Math.exp(-a * x));

export interface ApproxError {
	/** max over the values seen of |approx(x) - gelu_exact(x)| */
	max: number;
	/** the x where it is largest */
	at: number;
}

/**
 * The largest error of a GELU approximation against exact GELU on the pre-activations seen
 * (plus the op's per-unit bias where it adds one); null for a kind that is not an approximation.
 */
export function approxError(kind: string, pre: Numeric, width: number, bias?: Numeric | null, alpha?: number | null): ApproxError | null {
	const f = kind === 'gelu_tanh' ? geluTanh : kind === 'gelu_sigmoid' ? (x: number) => geluSigmoid(x, alpha ?? 1.702) : null;
	if (!f) return null;
	let max = 0,
		at = NaN;
	for (let i = 0; i < pre.length; i++) {
		const x = pre[i] + (bias ? bias[i % width] : 0);
		const e = Math.abs(f(x) - geluExact(x));
		if (e > max || Number.isNaN(at)) [max, at] = [e, x];
	}
	return { max, at };
}

export interface Saturation {
	/** act(x)/x <= 0.02: the gate is shut */
	off: number;
	/** act(x)/x >= 0.98: the gate passes x through */
	on: number;
}

/**
 * How often a gate sits at either end: its output over its input (sigmoid(x) for SiLU, Phi(x)
 * for GELU) is <= SAT or >= 1 - SAT. Fractions of the entries with x != 0.
 */
export const SAT = 0.02;
export function gateSaturation(pre: Numeric, act: Numeric): Saturation {
	let off = 0,
		on = 0,
		n = 0;
	for (let i = 0; i < pre.length; i++) {
		if (pre[i] === 0 || !Number.isFinite(pre[i])) continue;
		const r = act[i] / pre[i];
		n++;
		if (r <= SAT) off++;
		else if (r >= 1 - SAT) on++;
	}
	return n ? { off: off / n, on: on / n } : { off: NaN, on: NaN };
}
