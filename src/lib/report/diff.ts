// Two runs of the same model (e.g. WebGPU vs WASM) compared tensor by tensor, in graph
// order. Pure: the page runs the two sessions and hands over their stores.
//
// Per element: equal values (equal infinities, such as -inf in a mask, included) and NaN on both
// sides are no difference; a non-finite value on one side only is an infinite difference.
// An element is over tolerance when |a - b| > tol * max(1, |a|, |b|): absolute for values up to 1,
// relative above (logits and an un-normalized residual stream are large, float32 spacing grows
// with them). Values computed in a 16-bit float get at least that float's tolerance (toleranceFor).
import { numericData, type CapturedTensor, type TensorStore } from '../tensor/index.js';
import { tokenAxis, unravel } from './numeric.js';

export const DIFF_TOLERANCE = 1e-4;

/**
 * The least tolerance for values computed in a 16-bit float: a step of float16 at 1 is 2^-10
 * (~1e-3), of bfloat16 2^-7 (~8e-3), and two backends round ten or so ops on their own before a
 * tensor, so agreement within ten steps is all either can promise.
 */
export const DTYPE_TOLERANCE: Readonly<Record<string, number>> = { float16: 1e-2, bfloat16: 8e-2 };

/**
 * The tolerance a tensor is judged by: the base (the user's, else DIFF_TOLERANCE), raised to its
 * dtype's, or to the model's compute precision's (a float32 tensor in a float16 model carries the
 * float16 rounding of its inputs). `dtype` says which raised it; null when the base stands.
 */
export function toleranceFor(base: number, dtype: string, precision?: string | null): { tolerance: number; dtype: string | null } {
	let best = { tolerance: base, dtype: null as string | null };
	for (const d of [dtype, precision]) {
		const t = d ? DTYPE_TOLERANCE[d] : undefined;
		if (t !== undefined && t > best.tolerance) best = { tolerance: t, dtype: d! };
	}
	return best;
}

export interface DiffOptions {
	tolerance?: number;
	/** Row order (graph order). Default: a's store order, then names only b has. */
	order?: readonly string[];
	/** Sequence length, for the token of `where`. */
	seq?: number | null;
	hooks?: ReadonlyMap<string, string>;
	/** The narrowest float the model computes in ('float16', 'bfloat16'; model-info's computePrecision). */
	precision?: string | null;
}

export interface DiffWhere {
	flat: number; // row-major index
	index: number[]; // multi-index
	token: number | null; // the token (query) the element belongs to, where the layout says
	a: number;
	b: number;
}

export interface TensorDiff {
	tensor: string;
	hook: string | null;
	dims: number[];
	/** 'compared'; 'shape': the two shapes differ (counts as over tolerance); 'only-a'/'only-b': one run lacks it. */
	status: 'compared' | 'shape' | 'only-a' | 'only-b';
	max_abs: number; // Infinity where one side is non-finite and the other is not
	max_rel: number; // |a - b| / max(|a|, |b|)
	where: DiffWhere | null; // where max_abs is (the first such element)
	over: number; // elements over tolerance
	over_tolerance: boolean;
	first_over: DiffWhere | null; // the first element (row-major) over tolerance
	tolerance: number; // the tolerance this row was judged by
	tolerance_dtype: string | null; // the 16-bit float that raised it above the base; null: the base
}

export interface BackendDiff {
	tolerance: number; // the base; rows of 16-bit values are judged by their own (row.tolerance)
	precision: string | null;
	rows: TensorDiff[];
	/** The first tensor in graph order whose diff exceeds the tolerance: where the divergence starts. */
	first: string | null;
	compared: number;
	over: number; // tensors over tolerance
}

/** |a - b| for one element, with the non-finite rules above. */
export function elementDiff(a: number, b: number): number {
	if (a === b || (a !== a && b !== b)) return 0;
	if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
	return Math.abs(a - b);
}

export function diffTensor(
	a: CapturedTensor,
	b: CapturedTensor,
	opts: Pick<DiffOptions, 'tolerance' | 'seq' | 'hooks' | 'precision'> = {}
): TensorDiff {
	const by = toleranceFor(opts.tolerance ?? DIFF_TOLERANCE, a.dtype, opts.precision);
	const tol = by.tolerance;
	const row: TensorDiff = {
		tensor: a.name,
		hook: opts.hooks?.get(a.name) ?? null,
		dims: [...a.dims],
		status: 'compared',
		max_abs: 0,
		max_rel: 0,
		where: null,
		over: 0,
		over_tolerance: false,
		first_over: null,
		tolerance: tol,
		tolerance_dtype: by.dtype
	};
	if (a.dims.length !== b.dims.length || a.dims.some((d, k) => d !== b.dims[k])) {
		return { ...row, status: 'shape', max_abs: Infinity, max_rel: Infinity, over_tolerance: true };
	}
	const x = numericData(a);
	const y = numericData(b);
	const at = (i: number): DiffWhere => {
		const index = unravel(i, a.dims);
		const ax = tokenAxis(a.dims, opts.seq);
		return { flat: i, index, token: ax === null ? null : index[ax], a: x[i], b: y[i] };
	};
	let worst = -1;
	let firstOver = -1;
	for (let i = 0; i < x.length; i++) {
		const d = elementDiff(x[i], y[i]);
		if (d === 0) continue;
		if (d > row.max_abs) {
			row.max_abs = d;
			worst = i;
		}
		const big = Math.max(Math.abs(x[i]), Math.abs(y[i]));
		const rel = Number.isFinite(d) ? d / big : Infinity;
		if (rel > row.max_rel) row.max_rel = rel;
		if (!Number.isFinite(d) || d > tol * Math.max(1, big)) {
			row.over++;
			if (firstOver < 0) firstOver = i;
		}
	}
	if (worst >= 0) row.where = at(worst);
	if (firstOver >= 0) row.first_over = at(firstOver);
	row.over_tolerance = row.over > 0;
	return row;
}

export function diffStores(a: TensorStore, b: TensorStore, opts: DiffOptions = {}): BackendDiff {
	const tol = opts.tolerance ?? DIFF_TOLERANCE;
	const order = opts.order ?? [...a.order, ...b.order.filter((n) => !a.has(n))];
	const rows: TensorDiff[] = [];
	for (const name of order) {
		const ta = a.get(name);
		const tb = b.get(name);
		if (!ta && !tb) continue;
		if (!ta || !tb) {
			const t = (ta ?? tb)!;
			rows.push({
				tensor: name,
				hook: opts.hooks?.get(name) ?? null,
				dims: [...t.dims],
				status: ta ? 'only-a' : 'only-b',
				max_abs: 0,
				max_rel: 0,
				where: null,
				over: 0,
				over_tolerance: false,
				first_over: null,
				tolerance: tol,
				tolerance_dtype: null
			});
			continue;
		}
		rows.push(diffTensor(ta, tb, { ...opts, tolerance: tol }));
	}
	const compared = rows.filter((r) => r.status === 'compared' || r.status === 'shape');
	return {
		tolerance: tol,
		precision: opts.precision ?? null,
		rows,
		first: rows.find((r) => r.over_tolerance)?.tensor ?? null,
		compared: compared.length,
		over: compared.filter((r) => r.over_tolerance).length
	};
}

export interface DiffMatrix {
	rows: number;
	cols: number;
	lead: number[]; // the index of the leading axes this matrix is taken at (batch, head, ...)
	/** a - b; 0 where equal (equal infinities, both NaN); NaN where only one side is non-finite. */
	data: Float32Array;
	max_abs: number; // over finite differences, for a symmetric diverging scale
}

/**
 * The difference over the last two axes at one index of the leading axes (default: all 0, i.e.
 * batch 0, head 0), for a heatmap. Vectors are one row; scalars one cell.
 */
export function differenceMatrix(a: CapturedTensor, b: CapturedTensor, lead?: readonly number[]): DiffMatrix {
	if (a.dims.join(',') !== b.dims.join(',')) throw new Error(`Cannot diff "${a.name}": shapes [${a.dims}] and [${b.dims}] differ.`);
	const dims = a.dims;
	const cols = dims.length ? dims[dims.length - 1] : 1;
	const rows = dims.length >= 2 ? dims[dims.length - 2] : 1;
	const leadDims = dims.slice(0, Math.max(0, dims.length - 2));
	const at = leadDims.map((d, k) => {
		const v = lead?.[k] ?? 0;
		if (!Number.isInteger(v) || v < 0 || v >= d) throw new Error(`Index ${v} is outside axis ${k} of "${a.name}" (size ${d}).`);
		return v;
	});
	let offset = 0;
	for (let k = 0; k < leadDims.length; k++) offset = offset * leadDims[k] + at[k];
	offset *= rows * cols;
	const x = numericData(a);
	const y = numericData(b);
	const data = new Float32Array(rows * cols);
	let maxAbs = 0;
	for (let i = 0; i < data.length; i++) {
		const u = x[offset + i];
		const v = y[offset + i];
		const d = elementDiff(u, v);
		data[i] = d === 0 ? 0 : Number.isFinite(d) ? u - v : NaN;
		if (Number.isFinite(d) && d > maxAbs) maxAbs = d;
	}
	return { rows, cols, lead: at, data, max_abs: maxAbs };
}
