// Plain kernels for reading the residual stream in vocabulary space: a final norm applied to one
// row (with its own statistics, or with a scale frozen elsewhere), the unembedding, softmax, top-k.
import { mean } from './moments.js';

export type Values = ArrayLike<number>;

export interface NormParams {
	kind: 'layernorm' | 'rmsnorm' | 'dyt' | 'none';
	gamma: Values | null;
	beta: Values | null;
	eps: number;
	alpha: number | null; // DyT
}

/** The norm applied to one row of width D with that row's own statistics. */
export function normRow(x: Values, p: NormParams): Float64Array {
	const D = x.length;
	const y = new Float64Array(D);
	if (p.kind === 'none') {
		for (let i = 0; i < D; i++) y[i] = x[i];
		return y;
	}
	const f = frozenFactor(x, p);
	const m = p.kind === 'layernorm' ? mean(x) : 0;
	for (let i = 0; i < D; i++)
		y[i] = p.kind === 'dyt' ? f[i] * x[i] + (p.beta ? p.beta[i] : 0) : (x[i] - m) * f[i] + (p.beta ? p.beta[i] : 0);
	return y;
}

/**
 * The per-element factor the norm multiplies its (centred, for LayerNorm) input by, frozen at the
 * real stream x: gamma / sqrt(var + eps) (LayerNorm), gamma / sqrt(ms + eps) (RMSNorm),
 * gamma * tanh(alpha x) / x (DyT: elementwise, so frozen per element; alpha where x is 0), 1 (none).
 * With it fixed, the norm is linear, and a sum of parts of x maps to the sum of their images.
 */
export function frozenFactor(x: Values, p: NormParams): Float64Array {
	const D = x.length;
	const f = new Float64Array(D);
	const g = (i: number) => (p.gamma ? p.gamma[i] : 1);
	if (p.kind === 'none') return f.fill(1);
	if (p.kind === 'dyt') {
		const a = p.alpha ?? 1;
		for (let i = 0; i < D; i++) f[i] = g(i) * (x[i] === 0 ? a : Math.tanh(a * x[i]) / x[i]);
		return f;
	}
	const m = p.kind === 'layernorm' ? mean(x) : 0;
	let ms = 0;
	for (let i = 0; i < D; i++) ms += (x[i] - m) * (x[i] - m);
	const inv = 1 / Math.sqrt(ms / D + p.eps);
	for (let i = 0; i < D; i++) f[i] = g(i) * inv;
	return f;
}

/** The unembedding: W is [D, V] row-major, or [V, D] when `transposed` (a Gemm's transB, a tied embedding). */
export interface Unembedding {
	w: Values;
	d: number;
	v: number;
	transposed: boolean;
	bias: Values | null; // [V]
}

export function wAt(u: Unembedding, i: number, t: number): number {
	return u.transposed ? u.w[t * u.d + i] : u.w[i * u.v + t];
}

/** h [D] -> logits [V]. */
export function unembedRow(h: Values, u: Unembedding): Float64Array {
	const y = new Float64Array(u.v);
	if (u.bias) for (let t = 0; t < u.v; t++) y[t] = u.bias[t];
	for (let i = 0; i < u.d; i++) {
		const hi = h[i];
		if (hi === 0) continue;
		for (let t = 0; t < u.v; t++) y[t] += hi * wAt(u, i, t);
	}
	return y;
}

export function softmax(z: Values): Float64Array {
	let m = -Infinity;
	for (let i = 0; i < z.length; i++) if (z[i] > m) m = z[i];
	const e = new Float64Array(z.length);
	let s = 0;
	for (let i = 0; i < z.length; i++) s += e[i] = Math.exp(z[i] - m);
	for (let i = 0; i < z.length; i++) e[i] /= s;
	return e;
}

/** The k largest entries, largest first (ties: lower index first). */
export function topK(x: Values, k: number): { id: number; value: number }[] {
	const best: { id: number; value: number }[] = [];
	for (let i = 0; i < x.length; i++) {
		const v = x[i];
		if (best.length === k && !(v > best[k - 1].value)) continue;
		let j = Math.min(best.length, k - 1);
		if (best.length < k) best.push({ id: i, value: v });
		while (j > 0 && best[j - 1].value < v) {
			best[j] = best[j - 1];
			j--;
		}
		best[j] = { id: i, value: v };
	}
	return best;
}
