// What the hover readout says about a point of a chart (norm bars, histograms, residual flow).
// Pure, like viz/readout.ts: `value` is String() of the number charted, exactly, and `token` is
// set where the point is one token's (the readout's data-token).
import { displayToken } from './labels.js';

export interface ChartReadout {
	source: 'chart';
	/** Which chart: "norm-stats", "residual-flow", "compare-flow", "norm-histogram". */
	chart: string;
	/** The series hovered (e.g. "var", "stream-mean", "attn-ratio"). */
	series: string;
	/** String() of the charted number. */
	value: string;
	/** The token position the value is for; null for a mean over tokens or a distribution. */
	token: number | null;
	layer: number | null;
	/** Which model, in the compare view ("a" / "b"). */
	model?: string;
	title: string;
	fields: [label: string, value: string][];
}

export function tokenText(pos: number, tokens: readonly string[] | null): string {
	const t = tokens?.[pos];
	return t === undefined ? `#${pos}` : `#${pos} “${displayToken(t, 16)}”`;
}

/** One token's statistic of a norm (a bar). */
export function normStatReadout(o: {
	layer: number | null;
	norm: string;
	stat: string;
	label: string;
	token: number;
	value: number;
	tokens: readonly string[] | null;
	extra?: [string, string][];
}): ChartReadout {
	return {
		source: 'chart',
		chart: 'norm-stats',
		series: o.stat,
		value: String(o.value),
		token: o.token,
		layer: o.layer,
		title: `${o.norm} · ${o.label}`,
		fields: [['token', tokenText(o.token, o.tokens)], [o.stat, String(o.value)], ...(o.extra ?? [])]
	};
}

/** One bin of the input/output histograms. `value` is the hovered series' fraction. */
export function histogramReadout(o: {
	layer: number | null;
	norm: string;
	series: 'input' | 'output';
	lo: number;
	hi: number;
	fraction: number;
	count: number;
	otherCount: number;
	token: number | null;
	tokens: readonly string[] | null;
}): ChartReadout {
	const other = o.series === 'input' ? 'output' : 'input';
	return {
		source: 'chart',
		chart: 'norm-histogram',
		series: o.series,
		value: String(o.fraction),
		token: o.token,
		layer: o.layer,
		title: `${o.norm} · ${o.series} values in [${short(o.lo)}, ${short(o.hi)})`,
		fields: [
			['of', o.token === null ? 'all tokens' : tokenText(o.token, o.tokens)],
			['fraction', String(o.fraction)],
			[`${o.series} count`, String(o.count)],
			[`${other} count`, String(o.otherCount)]
		]
	};
}

/** One point of a residual-flow series. */
export function flowReadout(o: {
	chart: string;
	series: string;
	seriesLabel: string;
	layer: number;
	what: string;
	value: number;
	token: number | null;
	tokens: readonly string[] | null;
	tensor: string | null;
	model?: string;
	modelName?: string;
	extra?: [string, string][];
}): ChartReadout {
	return {
		source: 'chart',
		chart: o.chart,
		series: o.series,
		value: String(o.value),
		token: o.token,
		layer: o.layer,
		model: o.model,
		title: `${o.modelName ? `${o.modelName} · ` : ''}layer ${o.layer} · ${o.what}`,
		fields: [
			['series', o.seriesLabel],
			['of', o.token === null ? 'mean over tokens' : tokenText(o.token, o.tokens)],
			['value', String(o.value)],
			['tensor', o.tensor ?? '—'],
			...(o.extra ?? [])
		]
	};
}

function short(v: number): string {
	return String(Number(v.toPrecision(4)));
}
