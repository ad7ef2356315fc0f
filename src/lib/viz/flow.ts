// The residual stream through the blocks as chart points (the residual-flow chart), from the
// report's per-layer ResidStats. One x axis of positions: layer i's block input (resid_pre) at i,
// after its first sub-layer (resid_mid) at i + 0.5, after its second (resid_post) at i + 1, which
// is also layer i + 1's input, so it is drawn once. Update ratios sit where their add lands:
// attention at i + 0.5, MLP at i + 1.
import { scaleLinear, type ScaleLinear } from 'd3-scale';
import type { ResidStats } from '../report/resid.js';
import { meanOf } from './chart.js';

export type FlowKey = 'pre' | 'mid' | 'post' | 'attn' | 'mlp';

export interface FlowPoint {
	/** Position on the flow axis (see above). */
	x: number;
	layer: number;
	key: FlowKey;
	/** The tensor measured (for ratios: the branch). */
	tensor: string | null;
	/** Per token, token order (the report's array). */
	values: readonly number[];
}

/** Which numbers of a post-norm block the stream series shows: the LN outputs, or the sums before them. */
export type StreamSide = 'plotted' | 'before-norm';

/**
 * Stream-norm points: one per layer and sub-layer (mid, post), plus the first block's input, plus
 * any block input that is not the previous block's output (something sits between the blocks).
 * `before-norm`: post-norm blocks' raw sums x + branch at mid and post (other blocks: none).
 */
export function streamPoints(resid: readonly (ResidStats | null)[], side: StreamSide = 'plotted'): FlowPoint[] {
	const out: FlowPoint[] = [];
	resid.forEach((r, i) => {
		if (!r) return;
		if (side === 'before-norm') {
			const b = r.before_norm;
			if (b?.mid) out.push({ x: i + 0.5, layer: i, key: 'mid', tensor: b.tensors.mid, values: b.mid });
			if (b?.post) out.push({ x: i + 1, layer: i, key: 'post', tensor: b.tensors.post, values: b.post });
			return;
		}
		const prev = i > 0 ? resid[i - 1] : null;
		const joined = !!prev?.post && prev.tensors.post !== null && prev.tensors.post === r.tensors.pre;
		if (r.pre && !joined) out.push({ x: i, layer: i, key: 'pre', tensor: r.tensors.pre, values: r.pre });
		if (r.mid) out.push({ x: i + 0.5, layer: i, key: 'mid', tensor: r.tensors.mid, values: r.mid });
		if (r.post) out.push({ x: i + 1, layer: i, key: 'post', tensor: r.tensors.post, values: r.post });
	});
	return out;
}

/** Update-ratio points of one sub-layer: attention at i + 0.5, MLP at i + 1. */
export function ratioPoints(resid: readonly (ResidStats | null)[], key: 'attn' | 'mlp'): FlowPoint[] {
	const out: FlowPoint[] = [];
	resid.forEach((r, i) => {
		const v = key === 'attn' ? r?.attn_ratio : r?.mlp_ratio;
		if (r && v) out.push({ x: i + (key === 'attn' ? 0.5 : 1), layer: i, key, tensor: r.ratios[key]?.branch ?? null, values: v });
	});
	return out;
}

/** A point's value: the token's, or the mean over tokens (null: no such token). */
export function pointValue(p: FlowPoint, token: number | null): number | null {
	if (token === null) return meanOf(p.values);
	return token >= 0 && token < p.values.length ? p.values[token] : null;
}

/** Does any block of the model measure its stream after the LN (post-norm, DeepNorm)? */
export function measuredAfterNorm(resid: readonly (ResidStats | null)[]): boolean {
	return resid.some((r) => r?.measured_at === 'after-norm');
}

/** x over positions 0..layers, with room for the end points' markers. */
export function flowScale(layers: number, width: number, pad = 8): ScaleLinear<number, number> {
	return scaleLinear()
		.domain([0, Math.max(1, layers)])
		.range([pad, Math.max(pad + 1, width - pad)]);
}

/** The layer a position belongs to: [i, i + 1) is layer i; the last position is the last layer. */
export function layerAtPosition(pos: number, layers: number): number | null {
	if (layers <= 0 || !Number.isFinite(pos)) return null;
	return Math.min(layers - 1, Math.max(0, Math.floor(pos)));
}

/** What a point measures, in words (readout and legend). */
export function describePoint(p: FlowPoint, measured: ResidStats['measured_at'] | null, side: StreamSide = 'plotted'): string {
	const where =
		p.key === 'pre'
			? 'block input (resid_pre)'
			: p.key === 'mid'
				? 'after attention (resid_mid)'
				: p.key === 'post'
					? 'block output (resid_post)'
					: '';
	if (p.key === 'attn') return 'attention update ratio ||attn|| / ||stream||';
	if (p.key === 'mlp') return 'MLP update ratio ||mlp|| / ||stream||';
	if (side === 'before-norm') return `${where}, before the LN (x + branch)`;
	return measured === 'after-norm' && p.key !== 'pre' ? `${where}, after the LN` : where;
}

export interface StreamSummary {
	/** Mean stream norm at the first and the last point. */
	first: number;
	last: number;
	/** last / first. */
	growth: number;
	/** Largest |mean norm - sqrt(d)| over the points after the first (null without d). */
	maxOff: number | null;
}

/** The compare view's one-line answer: how much the mean stream norm grows, how far it strays from sqrt(d). */
export function streamSummary(resid: readonly (ResidStats | null)[], dModel: number | null): StreamSummary | null {
	const vals = streamPoints(resid)
		.map((p) => pointValue(p, null))
		.filter((v): v is number => v !== null && Number.isFinite(v));
	if (vals.length < 2) return null;
	const first = vals[0];
	const last = vals[vals.length - 1];
	const ref = dModel ? Math.sqrt(dModel) : null;
	const maxOff = ref === null ? null : Math.max(...vals.slice(1).map((v) => Math.abs(v - ref)));
	return { first, last, growth: last / first, maxOff };
}
