// What the hover readout says about one cell. Pure: the heatmaps call these on pointer moves and
// the readout component only prints the result (as text).
import { rowStats } from '../stats/attention.js';
import type { RowSummary } from '../stats/long.js';
import { mean } from '../stats/moments.js';
import { displayToken } from './labels.js';
import { fmt, roundedText } from './numeric.js';
import { cellIndex, type MaskTest, type MatrixView } from './paint.js';

export interface Readout {
	/** Which heatmap: the readout is shared, the last hovered (or pinned) one wins. */
	source: 'attention' | 'tensor';
	row: number;
	col: number;
	/** Exactly String() of the stored value (the field `value` shows it rounded). */
	value: string;
	masked: boolean;
	title: string;
	fields: [label: string, value: string][];
}

/** Row r of a view as numbers (a subarray when contiguous; a copy when strided). */
export function rowOf(m: MatrixView, r: number): ArrayLike<number> {
	const start = cellIndex(m, r, 0);
	const d = m.data;
	if ((m.colStride ?? 1) === 1 && ArrayBuffer.isView(d)) return (d as Float32Array).subarray(start, start + m.cols);
	const out = new Float64Array(m.cols);
	for (let c = 0; c < m.cols; c++) out[c] = d[cellIndex(m, r, c)];
	return out;
}

function token(pos: number, tokens: readonly string[] | null): string {
	const t = tokens?.[pos];
	return t === undefined ? `#${pos}` : `#${pos} “${displayToken(t, 16)}”`;
}

export interface AttentionCellContext {
	layer: number;
	head: number;
	tokens: readonly string[] | null;
	isMasked?: MaskTest;
	/** The value's text from the tensor (String of the float32); defaults to String(number). */
	text?: (index: number) => string;
	/** Row summaries of the head (long inputs): entropy, argmax and sink are read from them. */
	rows?: RowSummary | null;
}

export function attentionReadout(m: MatrixView, row: number, col: number, ctx: AttentionCellContext): Readout {
	const i = cellIndex(m, row, col);
	const v = m.data[i];
	const masked = !!ctx.isMasked?.(v, row, col);
	const s = rowStats(rowOf(m, row));
	const value = ctx.text ? ctx.text(i) : String(v);
	return {
		source: 'attention',
		row,
		col,
		value,
		masked,
		title: `attention · layer ${ctx.layer} · head ${ctx.head}`,
		fields: [
			['query', token(row, ctx.tokens)],
			['key', token(col, ctx.tokens)],
			['head', String(ctx.head)],
			['value', masked ? `${roundedText(value)} (masked)` : roundedText(value)],
			['row sum', fmt(s.sum, 7)],
			...summaryFields(s, row, ctx)
		]
	};
}

/** Entropy and argmax of the row: from the head's row summaries when given (plus the sink weight), else from the row. */
function summaryFields(s: { entropy: number; argmax: number }, row: number, ctx: AttentionCellContext): [string, string][] {
	const r = ctx.rows;
	if (!r || row >= r.seq)
		return [
			['entropy', `${fmt(s.entropy)} nats`],
			['argmax', token(s.argmax, ctx.tokens)]
		];
	return [
		['entropy', `${fmt(r.entropy[row])} nats`],
		['argmax', `${token(r.argmax[row], ctx.tokens)} (${fmt(r.max[row])})`],
		['sink', fmt(r.sink[row])]
	];
}

export interface TensorCellContext {
	name: string;
	/** Which axes the slice shows and where the others are held, for the title. */
	where: string;
	rowLabels?: readonly string[] | null;
	text?: (index: number) => string;
}

export function tensorReadout(m: MatrixView, row: number, col: number, ctx: TensorCellContext): Readout {
	const i = cellIndex(m, row, col);
	const v = m.data[i];
	const r = rowOf(m, row);
	let lo = Infinity;
	let hi = -Infinity;
	for (let k = 0; k < r.length; k++) {
		if (r[k] < lo) lo = r[k];
		if (r[k] > hi) hi = r[k];
	}
	const value = ctx.text ? ctx.text(i) : String(v);
	return {
		source: 'tensor',
		row,
		col,
		value,
		masked: false,
		title: `${ctx.name} ${ctx.where}`,
		fields: [
			['row', ctx.rowLabels ? token(row, ctx.rowLabels) : String(row)],
			['col', String(col)],
			['value', roundedText(value)],
			['row min', fmt(lo)],
			['row max', fmt(hi)],
			['row mean', fmt(mean(r))]
		]
	};
}
