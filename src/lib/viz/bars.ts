// Per-token bars (mean, variance, scale, saturation of a norm): all bars in one SVG path, so a
// 1024-token sequence is one element, not 1024. Bars grow from the baseline (0 clamped into the
// domain); non-finite values get no bar and are listed for a marker of their own.
import type { ScaleBand, ScaleLinear } from 'd3-scale';

/** Where bars start: 0 when the domain holds it, else the domain's end nearer to 0. */
export function baseline(y: ScaleLinear<number, number>): number {
	const [a, b] = y.domain();
	const lo = Math.min(a, b);
	const hi = Math.max(a, b);
	return y(Math.min(hi, Math.max(lo, 0)));
}

/** A 1-px gap between bars when the bands are wide enough to afford it. */
function gapOf(bandwidth: number): number {
	return bandwidth >= 4 ? 1 : 0;
}

/** The path of every finite bar ("M x y h w v h h -w Z" per bar), indices into `values`. */
export function barsPath(values: ArrayLike<number | null>, x: ScaleBand<number>, y: ScaleLinear<number, number>): string {
	const y0 = baseline(y);
	const bw = x.bandwidth();
	const gap = gapOf(bw);
	const w = Math.max(0.5, bw - gap);
	const parts: string[] = [];
	for (let i = 0; i < values.length; i++) {
		const v = values[i];
		if (v === null || !Number.isFinite(v)) continue;
		const left = (x(i) ?? 0) + gap / 2;
		const top = y(v);
		parts.push(`M${r(left)},${r(y0)}H${r(left + w)}V${r(top)}H${r(left)}Z`);
	}
	return parts.join('');
}

/** Positions whose value is NaN or +-Inf (drawn as markers: "no bar" must not read as 0). */
export function nonFinitePositions(values: ArrayLike<number | null>): number[] {
	const out: number[] = [];
	for (let i = 0; i < values.length; i++) {
		const v = values[i];
		if (v !== null && !Number.isFinite(v)) out.push(i);
	}
	return out;
}

function r(v: number): string {
	return String(Math.round(v * 100) / 100);
}
