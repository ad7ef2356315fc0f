// Tensor -> the matrix a heatmap shows. Attention: pattern[b=0, head] (or heads folded into the
// first axis), masked cells decided by the captured scores. Any other tensor: a 2-D slice along two
// chosen axes, every other axis held at an index, on a diverging scale centred at 0.
import type { CapturedTensor } from '../tensor/store.js';
import { centredDomain, centredToUnit } from './diverging.js';
import { maskTest } from './mask.js';
import { numericData, valueText } from './numeric.js';
import { sliceOf, slice2d, type MaskTest, type MatrixView, type ToUnit } from './paint.js';

/** Heads of an attention pattern: [B, H, S, S] -> H; folded [B*H, S, S] -> the first axis. */
export function headCount(dims: readonly number[]): number {
	return dims.length === 4 ? dims[1] : dims.length === 3 ? dims[0] : 1;
}

export interface AttentionView {
	view: MatrixView;
	isMasked?: MaskTest;
	text: (i: number) => string;
}

export function attentionView(pattern: CapturedTensor, head: number, scores: CapturedTensor | null, masked: boolean | null): AttentionView {
	const lead = pattern.dims.length === 4 ? [0, head] : [head];
	const data = numericData(pattern);
	const view = sliceOf(data, pattern.dims, lead);
	const sv = scores ? sliceOf(numericData(scores), scores.dims, lead) : null;
	return { view, isMasked: maskTest(masked, sv), text: (i) => valueText(pattern, i) };
}

export interface Slice {
	rowAxis: number;
	colAxis: number;
	/** Index held on every other axis (entries of the two shown axes are ignored). */
	fixed: number[];
}

/** The default slice: the last two axes, index 0 elsewhere (rank < 2: the whole tensor). */
export function defaultSlice(dims: readonly number[]): Slice {
	const r = dims.length;
	return { rowAxis: Math.max(0, r - 2), colAxis: Math.max(0, r - 1), fixed: dims.map(() => 0) };
}

/** A slice kept where it is still valid for `dims`, else the default one. */
export function validSlice(s: Slice | null, dims: readonly number[]): Slice {
	const r = dims.length;
	if (!s || r < 2 || s.fixed.length !== r || s.rowAxis === s.colAxis || s.rowAxis >= r || s.colAxis >= r) return defaultSlice(dims);
	return { ...s, fixed: s.fixed.map((i, k) => Math.min(Math.max(0, i), Math.max(0, dims[k] - 1))) };
}

export interface TensorView {
	view: MatrixView;
	domain: [number, number];
	toUnit: ToUnit;
	text: (i: number) => string;
}

export function tensorView(t: CapturedTensor, s: Slice): TensorView {
	const view = slice2d(numericData(t), t.dims, s.rowAxis, s.colAxis, s.fixed);
	const domain = centredDomain(view);
	return { view, domain, toUnit: centredToUnit(domain), text: (i) => valueText(t, i) };
}

/** "[:, 3, :, :]"-style description of a slice, rows axis first. */
export function describeSlice(dims: readonly number[], s: Slice): string {
	if (dims.length < 2) return `[${dims.map(() => ':').join(', ')}]`;
	return `[${dims.map((_, k) => (k === s.rowAxis ? 'rows' : k === s.colAxis ? 'cols' : String(s.fixed[k] ?? 0))).join(', ')}]`;
}
