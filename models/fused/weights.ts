// Seeded weights for the fused-graph fixtures, kept as plain arrays so the oracle reads the same
// numbers the graph holds (float32-rounded once, here).
import { uniform } from '../../src/lib/stats/random.js';

export type W = Float32Array;

export function weightMaker(seed: number): (n: number, scale?: number, offset?: number) => W {
	const r = uniform(seed);
	return (n, scale = 0.2, offset = 0) => Float32Array.from({ length: n }, () => offset + (r() * 2 - 1) * scale);
}
