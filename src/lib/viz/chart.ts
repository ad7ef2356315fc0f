// The one coordinate system of a chart (bars, lines, histograms): the plot box in CSS pixels and
// the d3 scales over it. The SVG marks, the SVG axes and the HTML hover layer all place themselves
// with these functions, and pointer positions go back through them, so they cannot drift apart.
import { scaleBand, scaleLinear, type ScaleBand, type ScaleLinear } from 'd3-scale';

export interface Margin {
	top: number;
	right: number;
	bottom: number;
	left: number;
}

export interface PlotBox {
	/** The whole chart, axes included (CSS px). */
	outerWidth: number;
	outerHeight: number;
	margin: Margin;
	/** The plot area (marks) inside the margins. */
	width: number;
	height: number;
}

export function plotBox(outerWidth: number, outerHeight: number, margin: Margin): PlotBox {
	const width = Math.max(10, Math.floor(outerWidth - margin.left - margin.right));
	const height = Math.max(10, Math.floor(outerHeight - margin.top - margin.bottom));
	return { outerWidth: width + margin.left + margin.right, outerHeight: height + margin.top + margin.bottom, margin, width, height };
}

/** [min, max] of the finite values (NaN and +-Inf ignored); null when there are none. */
export function finiteExtent(values: Iterable<number | null | undefined>): [number, number] | null {
	let lo = Infinity;
	let hi = -Infinity;
	for (const v of values) {
		if (v === null || v === undefined || !Number.isFinite(v)) continue;
		if (v < lo) lo = v;
		if (v > hi) hi = v;
	}
	return lo <= hi ? [lo, hi] : null;
}

export interface DomainOptions {
	/** Keep 0 in the domain (bars and norms start at 0). */
	zero?: boolean;
	/** Values that must stay visible (reference lines such as sqrt(d_model)). */
	include?: readonly number[];
}

/**
 * A value domain for a linear axis: the finite extent, widened to hold 0 and the reference values
 * when asked; a single value gets room around it; nothing finite gives [0, 1].
 */
export function valueDomain(values: Iterable<number | null | undefined>, opts: DomainOptions = {}): [number, number] {
	const ext = finiteExtent([...values, ...(opts.include ?? []), ...(opts.zero ? [0] : [])]);
	if (!ext) return [0, 1];
	let [lo, hi] = ext;
	if (lo === hi) {
		const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
		lo = opts.zero && lo >= 0 ? lo : lo - pad;
		hi = opts.zero && hi <= 0 ? hi : hi + pad;
		if (lo === hi) hi = lo + 1;
	}
	return [lo, hi];
}

/** y: value -> pixel, top of the plot = the domain's max; rounded to nice ends. */
export function valueScale(domain: [number, number], height: number): ScaleLinear<number, number> {
	return scaleLinear().domain(domain).range([height, 0]).nice(5);
}

/** x over positions (tokens, bins): band i covers [i * w / n, (i + 1) * w / n), no padding. */
export function positionScale(n: number, width: number): ScaleBand<number> {
	return scaleBand<number>()
		.domain(Array.from({ length: Math.max(0, n) }, (_, i) => i))
		.range([0, width])
		.padding(0);
}

/** The position (token) whose band holds x (relative to the plot's left edge); null outside. */
export function positionAt(x: number, n: number, width: number): number | null {
	if (!(n > 0 && x >= 0 && x < width)) return null;
	return Math.min(n - 1, Math.floor((x * n) / width));
}

export interface Pixel {
	x: number;
	y: number;
}

/**
 * The index of the point nearest to (x, y) in pixels, within maxDist; points with a non-finite
 * coordinate are skipped. Ties keep the earlier point.
 */
export function nearestPoint(x: number, y: number, points: readonly Pixel[], maxDist = Infinity): number | null {
	let best: number | null = null;
	let bestD = maxDist * maxDist;
	for (let i = 0; i < points.length; i++) {
		const p = points[i];
		if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
		const d = (p.x - x) ** 2 + (p.y - y) ** 2;
		if (d < bestD || (best === null && d <= bestD)) {
			best = i;
			bestD = d;
		}
	}
	return best;
}

/** The index of the x nearest to `x` among sorted xs (null for none). */
export function nearestX(x: number, xs: readonly number[]): number | null {
	if (!xs.length) return null;
	let lo = 0;
	let hi = xs.length - 1;
	while (hi - lo > 1) {
		const mid = (lo + hi) >> 1;
		if (xs[mid] <= x) lo = mid;
		else hi = mid;
	}
	return Math.abs(xs[hi] - x) < Math.abs(xs[lo] - x) ? hi : lo;
}

/** Mean of per-token values in token order (float64, NaN when any is NaN); null for none. */
export function meanOf(values: readonly number[] | null | undefined): number | null {
	if (!values || values.length === 0) return null;
	let s = 0;
	for (const v of values) s += v;
	return s / values.length;
}
