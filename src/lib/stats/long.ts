// Long inputs: what is kept of a head's [S, S] pattern when holding all of it would not fit.
// Per-row summaries (max, argmax, entropy, weight on the first key) and a pooled pattern (block max
// and block mean). These are the reference definitions: the graph nodes appended at capture time
// (runtime/) must give the same numbers, and the views read these shapes.
import type { Numeric } from './rows.js';

/** Per query row of one head, each of length `seq`. */
export interface RowSummary {
	seq: number;
	/** The largest weight in the row. */
	max: Float32Array;
	/** The key of the largest weight (the first one on ties). */
	argmax: Int32Array;
	/** -sum p ln p, in nats (0 ln 0 = 0). */
	entropy: Float32Array;
	/** The weight on key 0 (an "attention sink"). */
	sink: Float32Array;
}

/** A head's pattern pooled to size x size blocks of block x block cells (the last ones partial). */
export interface PooledPattern {
	seq: number;
	/** Cells per block side: ceil(seq / target). */
	block: number;
	/** Blocks per side: ceil(seq / block). */
	size: number;
	/** [size, size], row-major: the largest weight in the block (one sharp key stays visible). */
	max: Float32Array;
	/** [size, size]: the mean over the block's cells that exist (masked cells count as 0). */
	mean: Float32Array;
}

/** Entropy terms below this weight count as 0 (what the graph computes as p * ln(max(p, tiny))). */
export const ENTROPY_FLOOR = 1e-30;

/** Summaries of each row of a [seq, seq] pattern (one head, batch 0). */
export function summarizeRows(pattern: Numeric, seq: number): RowSummary {
	const max = new Float32Array(seq);
	const argmax = new Int32Array(seq);
	const entropy = new Float32Array(seq);
	const sink = new Float32Array(seq);
	for (let i = 0; i < seq; i++) {
		const at = i * seq;
		let best = -Infinity;
		let arg = 0;
		let h = 0;
		for (let j = 0; j < seq; j++) {
			const p = pattern[at + j];
			if (p > best) {
				best = p;
				arg = j;
			}
			h -= p * Math.log(Math.max(p, ENTROPY_FLOOR));
		}
		max[i] = best;
		argmax[i] = arg;
		entropy[i] = h;
		sink[i] = pattern[at];
	}
	return { seq, max, argmax, entropy, sink };
}

/** Block side for pooling `seq` cells to at most `target` blocks per side. */
export function poolBlock(seq: number, target: number): number {
	return Math.max(1, Math.ceil(seq / Math.max(1, target)));
}

/** Pool a [seq, seq] pattern to at most target x target blocks (max and mean). */
export function poolPattern(pattern: Numeric, seq: number, target = 128): PooledPattern {
	const block = poolBlock(seq, target);
	const size = Math.ceil(seq / block);
	const max = new Float32Array(size * size).fill(-Infinity);
	const sum = new Float64Array(size * size);
	for (let i = 0; i < seq; i++) {
		const bi = Math.floor(i / block) * size;
		const at = i * seq;
		for (let j = 0; j < seq; j++) {
			const cell = bi + Math.floor(j / block);
			const p = pattern[at + j];
			if (p > max[cell]) max[cell] = p;
			sum[cell] += p;
		}
	}
	const mean = new Float32Array(size * size);
	for (let bi = 0; bi < size; bi++) {
		const rows = Math.min(seq, (bi + 1) * block) - bi * block;
		for (let bj = 0; bj < size; bj++) {
			const cols = Math.min(seq, (bj + 1) * block) - bj * block;
			mean[bi * size + bj] = sum[bi * size + bj] / (rows * cols);
		}
	}
	return { seq, block, size, max, mean };
}

/** Whether every cell of block (bi, bj) lies above the diagonal (all masked in a causal pattern). */
export function blockAboveDiagonal(pooled: Pick<PooledPattern, 'seq' | 'block'>, bi: number, bj: number): boolean {
	const lastRow = Math.min(pooled.seq, (bi + 1) * pooled.block) - 1;
	return bj * pooled.block > lastRow;
}
