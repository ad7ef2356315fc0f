// What the long view draws for the head shown: its pooled pattern (overview) and row summaries
// (readout). Taken from summary capture when the worker computed them in the graph; else computed
// here once per pattern and head from the full pattern the page holds (the same reference code).
import { poolPattern, summarizeRows, type PooledPattern, type RowSummary } from '$lib/stats';
import type { LongCapture } from '$lib/worker/protocol';
import type { AttentionAt } from './attention-at';

/** Blocks a side when the page pools a full pattern itself (one block ~ 2 px of a 640 px view). */
export const OVERVIEW_TARGET = 256;

export interface LongPattern {
	seq: number;
	pooled: PooledPattern;
	rows: RowSummary;
	/** Where they came from: the graph (summary capture) or the page (from the full pattern). */
	source: 'captured' | 'computed';
}

const memo = new WeakMap<object, Map<number, LongPattern>>();

/** The [seq, seq] cells of the view as one contiguous array (a subarray when it already is). */
function contiguous(at: AttentionAt): ArrayLike<number> | null {
	const m = at.view?.view;
	if (!m) return null;
	const n = m.rows * m.cols;
	const d = m.data;
	if ((m.colStride ?? 1) === 1 && (m.rowStride ?? m.cols) === m.cols && ArrayBuffer.isView(d))
		return (d as Float32Array).subarray(m.offset, m.offset + n);
	const out = new Float32Array(n);
	for (let r = 0; r < m.rows; r++)
		for (let c = 0; c < m.cols; c++) out[r * m.cols + c] = d[m.offset + r * (m.rowStride ?? m.cols) + c * (m.colStride ?? 1)];
	return out;
}

/** Summary capture's entry for a layer and head, when it has one for this length. */
function captured(long: LongCapture | null | undefined, layer: number, head: number, seq: number): LongPattern | null {
	const l = long?.seq === seq ? long.layers.find((x) => x.layer === layer) : undefined;
	const rows = l?.rows[head];
	const pooled = l?.pooled[head];
	return rows && pooled ? { seq, pooled, rows, source: 'captured' } : null;
}

/**
 * Summary capture's pooled pattern and row summaries of any layer and head (null: none held), for
 * what is drawn before that head's exact rows arrive: the preview and the head grid's thumbnails.
 */
export function heldSummary(long: LongCapture | null | undefined, layer: number, head: number): LongPattern | null {
	return long ? captured(long, layer, head, long.seq) : null;
}

/** The pooled pattern and row summaries of the head shown (null: no square pattern shown). */
export function longPattern(at: AttentionAt, layer: number, long?: LongCapture | null): LongPattern | null {
	const m = at.view?.view;
	if (!m || m.rows !== m.cols || !at.pattern) return null;
	const seq = m.rows;
	const held = captured(long, layer, at.head, seq);
	if (held) return held;
	let byHead = memo.get(at.pattern);
	if (!byHead) memo.set(at.pattern, (byHead = new Map()));
	let lp = byHead.get(at.head);
	if (!lp) {
		const data = contiguous(at)!;
		lp = { seq, pooled: poolPattern(data, seq, OVERVIEW_TARGET), rows: summarizeRows(data, seq), source: 'computed' };
		byHead.set(at.head, lp);
	}
	return lp;
}
