// Distributions of a norm's input and output (all tokens, or one token's features): equal-width
// bins over a shared domain so the two overlay on one x axis; heights as fractions of the finite
// values, so tensors of different sizes compare. One pass, no sorting (a [1024 x 768] tensor is
// 786k values).
import type { ScaleLinear } from 'd3-scale';

export interface Histogram {
	/** bins + 1 edges, edges[0] = domain min, edges[bins] = domain max. */
	edges: number[];
	counts: number[];
	/** Finite values counted (the fractions' denominator). */
	total: number;
	nonFinite: number;
}

/** Strided view of one tensor's values: a token's row, or everything (start 0, step 1). */
export interface Values {
	data: ArrayLike<number>;
	start?: number;
	count?: number;
}

function each(v: Values, f: (x: number) => void): void {
	const start = v.start ?? 0;
	const end = v.count === undefined ? v.data.length : Math.min(v.data.length, start + v.count);
	for (let i = start; i < end; i++) f(v.data[i]);
}

/** Finite [min, max] over several value sets (null when none is finite). */
export function sharedDomain(sets: readonly Values[]): [number, number] | null {
	let lo = Infinity;
	let hi = -Infinity;
	for (const s of sets)
		each(s, (x) => {
			if (!Number.isFinite(x)) return;
			if (x < lo) lo = x;
			if (x > hi) hi = x;
		});
	return lo <= hi ? [lo, hi] : null;
}

/** Equal-width bins over `domain`; the max lands in the last bin; values outside are clamped in. */
export function histogram(v: Values, domain: [number, number], bins: number): Histogram {
	const n = Math.max(1, Math.floor(bins));
	const lo = domain[0];
	let hi = domain[1];
	if (!(hi > lo)) hi = lo + 1;
	const edges = Array.from({ length: n + 1 }, (_, i) => lo + ((hi - lo) * i) / n);
	edges[n] = hi;
	const counts = new Array<number>(n).fill(0);
	let total = 0;
	let nonFinite = 0;
	const k = n / (hi - lo);
	each(v, (x) => {
		if (!Number.isFinite(x)) {
			nonFinite++;
			return;
		}
		const b = Math.min(n - 1, Math.max(0, Math.floor((x - lo) * k)));
		counts[b]++;
		total++;
	});
	return { edges, counts, total, nonFinite };
}

/** Fraction of the finite values in bin b (0 when there are none). */
export function fraction(h: Histogram, b: number): number {
	return h.total ? h.counts[b] / h.total : 0;
}

/** Largest bin fraction, for a shared y domain. */
export function maxFraction(...hs: Histogram[]): number {
	let m = 0;
	for (const h of hs) for (let b = 0; b < h.counts.length; b++) m = Math.max(m, fraction(h, b));
	return m;
}

/** Step outline of the fractions (closed to the baseline), x over the value domain. */
export function stepPath(h: Histogram, x: ScaleLinear<number, number>, y: ScaleLinear<number, number>): string {
	const y0 = y(0);
	const pts: string[] = [`M${r(x(h.edges[0]))},${r(y0)}`];
	for (let b = 0; b < h.counts.length; b++) {
		const yy = y(fraction(h, b));
		pts.push(`V${r(yy)}H${r(x(h.edges[b + 1]))}`);
	}
	pts.push(`V${r(y0)}Z`);
	return pts.join('');
}

/** The bin holding value v (clamped into the domain); null when v is not finite. */
export function binOf(h: Histogram, v: number): number | null {
	if (!Number.isFinite(v)) return null;
	const n = h.counts.length;
	const lo = h.edges[0];
	const hi = h.edges[n];
	return Math.min(n - 1, Math.max(0, Math.floor(((v - lo) * n) / (hi - lo))));
}

function r(v: number): string {
	return String(Math.round(v * 100) / 100);
}
