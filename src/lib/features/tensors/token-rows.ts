import type { Slice } from '$lib/viz/views';

/** The tokens as row labels when the slice's rows axis is the sequence (null otherwise). */
export function tokenRows(dims: readonly number[], slice: Slice, tokens: readonly string[] | null): readonly string[] | null {
	return tokens && dims.length >= 2 && dims[slice.rowAxis] === tokens.length ? tokens : null;
}
