// Residual-flow series for the charts: the stream norm (mean over tokens, the selected token, and
// for post-norm blocks optionally the sums before each LN) and the update ratios per sub-layer.
import type { ResidStats } from '$lib/report/resid';
import { pointValue, ratioPoints, streamPoints, type FlowPoint, type StreamSide } from '$lib/viz/flow';
import type { LinePoint, LineSeries } from '$lib/viz/lines';

/** A flow point with the value a series plots (the token's, or the mean over tokens). */
export interface FlowValue extends LinePoint {
	point: FlowPoint;
}
/** hollow: open markers; dotted: a dotted line (both tell series apart without colour). */
export type FlowSeries = LineSeries<FlowValue> & { token: number | null; model?: string; hollow?: boolean; dotted?: boolean };

export const COLORS = {
	a: 'var(--chart-a, #4c78a8)',
	b: 'var(--chart-b, #e45756)',
	c: 'var(--chart-c, #54a24b)',
	d: 'var(--chart-d, #b279a2)'
};

function series(
	id: string,
	label: string,
	color: string,
	points: FlowPoint[],
	token: number | null,
	dashed = false,
	model?: string
): FlowSeries {
	return { id, label, color, dashed, token, model, points: points.map((p) => ({ x: p.x, value: pointValue(p, token), point: p })) };
}

export interface StreamOptions {
	token: number | null;
	beforeNorm: boolean;
	/** Prefix for ids and labels in the compare overlay ("a", "b"). */
	model?: string;
	modelLabel?: string;
	color?: string;
}

/** Stream-norm series: mean over tokens, the selected token (dashed), the before-LN sums (post-norm). */
export function streamSeries(resid: readonly (ResidStats | null)[], o: StreamOptions): FlowSeries[] {
	const pre = o.model ? `${o.model}-` : '';
	const name = o.modelLabel ? `${o.modelLabel} ` : '';
	const color = o.color ?? COLORS.a;
	const out = [series(`${pre}stream-mean`, `${name}mean over tokens`, color, streamPoints(resid), null, false, o.model)];
	if (o.token !== null)
		out.push(series(`${pre}stream-token`, `${name}token #${o.token}`, color, streamPoints(resid), o.token, true, o.model));
	const side: StreamSide = 'before-norm';
	const before = o.beforeNorm ? streamPoints(resid, side) : [];
	if (before.length) out.push(series(`${pre}before-mean`, `${name}before the LN (mean)`, COLORS.d, before, null, true, o.model));
	return out;
}

/** Update-ratio series per sub-layer (mean over tokens, and the selected token dashed). */
export function ratioSeries(resid: readonly (ResidStats | null)[], token: number | null): FlowSeries[] {
	const attn = ratioPoints(resid, 'attn');
	const mlp = ratioPoints(resid, 'mlp');
	// MLP: open markers and a dotted mean, so it differs from attention without its colour.
	const open = (s: FlowSeries, dotted: boolean): FlowSeries => ({ ...s, hollow: true, dotted });
	const out = [
		series('attn-ratio', 'attention (mean)', COLORS.b, attn, null),
		open(series('mlp-ratio', 'MLP (mean)', COLORS.c, mlp, null), true)
	];
	if (token !== null)
		out.push(
			series('attn-ratio-token', `attention, token #${token}`, COLORS.b, attn, token, true),
			open(series('mlp-ratio-token', `MLP, token #${token}`, COLORS.c, mlp, token, true), false)
		);
	return out;
}
