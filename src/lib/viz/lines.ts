// Line series over a shared x scale (residual flow, compare overlay): paths with gaps where a
// value is missing or not finite, marker pixels, and the nearest marker to the pointer across
// every series.
import { line } from 'd3-shape';
import type { ScaleLinear } from 'd3-scale';
import { nearestPoint } from './chart.js';

export interface LinePoint {
	x: number;
	value: number | null;
}

export interface LineSeries<P extends LinePoint = LinePoint> {
	id: string;
	label: string;
	/** A CSS colour (custom properties allowed). */
	color: string;
	dashed?: boolean;
	points: readonly P[];
}

const finite = (v: number | null): v is number => v !== null && Number.isFinite(v);

/** The series' path; a missing or non-finite value breaks the line. */
export function linePath(points: readonly LinePoint[], x: ScaleLinear<number, number>, y: ScaleLinear<number, number>): string {
	const gen = line<LinePoint>()
		.defined((p) => finite(p.value))
		.x((p) => x(p.x))
		.y((p) => y(p.value as number));
	return gen(points as LinePoint[]) ?? '';
}

export interface Marker {
	series: number;
	index: number;
	px: number;
	py: number;
}

/** Pixel position of every finite point of every series. */
export function markers(series: readonly LineSeries[], x: ScaleLinear<number, number>, y: ScaleLinear<number, number>): Marker[] {
	const out: Marker[] = [];
	series.forEach((s, si) =>
		s.points.forEach((p, i) => {
			if (finite(p.value)) out.push({ series: si, index: i, px: x(p.x), py: y(p.value) });
		})
	);
	return out;
}

/** The marker nearest to (px, py) within maxDist pixels. */
export function nearestMarker(ms: readonly Marker[], px: number, py: number, maxDist = Infinity): Marker | null {
	const i = nearestPoint(
		px,
		py,
		ms.map((m) => ({ x: m.px, y: m.py })),
		maxDist
	);
	return i === null ? null : ms[i];
}

/** Positions (series x values) whose value is not finite: drawn as markers at the top edge. */
export function nonFiniteXs(points: readonly LinePoint[]): number[] {
	return points.filter((p) => p.value !== null && !Number.isFinite(p.value)).map((p) => p.x);
}
