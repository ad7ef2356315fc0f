// Index arithmetic over captured tensors' dims; their values as numbers come from tensor/.
export { floatsOf, numericData, type FloatArray } from '../tensor/index.js';

/** Row-major flat index -> multi-index. */
export function unravel(flat: number, dims: readonly number[]): number[] {
	const idx = new Array<number>(dims.length).fill(0);
	for (let k = dims.length - 1; k >= 0 && flat > 0; k--) {
		const d = dims[k] || 1;
		idx[k] = flat % d;
		flat = Math.floor(flat / d);
	}
	return idx;
}

/**
 * Which axis holds the tokens (queries for an attention pattern), given the sequence length: the
 * second-to-last axis when it has `seq` entries ([B,S,D], [B,H,S,S], [H,S,S]), else the first
 * axis of that size before the last ([B,S,H,Dh]). null when the layout does not say.
 */
export function tokenAxis(dims: readonly number[], seq: number | null | undefined): number | null {
	if (!seq || dims.length < 2) return null;
	if (dims[dims.length - 2] === seq) return dims.length - 2;
	for (let k = 0; k < dims.length - 1; k++) if (dims[k] === seq) return k;
	return null;
}
