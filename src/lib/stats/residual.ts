// The residual stream per token (seed-notes: residual-stream quantities).
import { l2 } from './moments.js';
import { mapRows, type Numeric } from './rows.js';

/** L2 norm of each token's vector, batch 0. */
export function tokenNorms(x: Numeric, dims: readonly number[]): number[] {
	return mapRows(x, dims, l2);
}

/** ||branch|| / ||stream before the add||, per token (0/0 reads as 0, x/0 as Infinity). */
export function updateRatio(branch: Numeric, branchDims: readonly number[], stream: Numeric, streamDims: readonly number[]): number[] {
	return normRatio(tokenNorms(branch, branchDims), tokenNorms(stream, streamDims));
}

/** ||branch|| / ||stream|| from the two norms per token (0/0 reads as 0, x/0 as Infinity). */
export function normRatio(b: readonly number[], s: readonly number[]): number[] {
	return b.map((bn, i) => (s[i] === 0 ? (bn === 0 ? 0 : Infinity) : bn / s[i]));
}
