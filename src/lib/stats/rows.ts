// Tensors as rows of features. Statistics are per token over the last (hidden) axis, batch 0.

export type Numeric = ArrayLike<number>;

export interface Rows {
	rows: number; // tokens (the second-to-last axis; 1 for a vector)
	width: number; // features (the last axis)
}

/** Rows of batch 0: dims [B, S, D] -> S rows of D; [S, D] -> S rows; [D] -> 1 row. */
export function rowsOf(dims: readonly number[]): Rows {
	if (dims.length === 0) return { rows: 1, width: 1 };
	const width = dims[dims.length - 1];
	const rows = dims.length >= 2 ? dims[dims.length - 2] : 1;
	return { rows, width };
}

/** Apply `f` to each row of batch 0 (a view, no copy). */
export function mapRows<T>(data: Numeric, dims: readonly number[], f: (row: Numeric, i: number) => T): T[] {
	const { rows, width } = rowsOf(dims);
	const out: T[] = [];
	const typed = ArrayBuffer.isView(data);
	for (let i = 0; i < rows; i++) {
		const row = typed
			? (data as Float32Array).subarray(i * width, (i + 1) * width)
			: Array.prototype.slice.call(data, i * width, (i + 1) * width);
		out.push(f(row, i));
	}
	return out;
}
