// Pooled patterns (stats/long.ts PooledPattern) drawn smaller than their blocks: a head-grid
// thumbnail of 64 px from a 128-block pattern. Pooling again keeps the max of the max (one sharp
// key stays visible, where shrinking the picture would average it away) and weighs each block's
// mean by the cells it covers (the last blocks may be partial).
import type { PooledPattern } from '../stats/long.js';

/** The pattern pooled to at most `target` blocks a side (itself when it already is). */
export function coarsenPooled(p: PooledPattern, target: number): PooledPattern {
	const t = Math.max(1, Math.floor(target));
	if (p.size <= t) return p;
	const k = Math.ceil(p.size / t); // old blocks per new block side
	const block = p.block * k;
	const size = Math.ceil(p.seq / block); // = ceil(p.size / k)
	const cells = (b: number) => Math.min(p.seq, (b + 1) * p.block) - b * p.block; // token rows of old block b
	const max = new Float32Array(size * size);
	const mean = new Float32Array(size * size);
	for (let I = 0; I < size; I++)
		for (let J = 0; J < size; J++) {
			let m = -Infinity;
			let sum = 0;
			let n = 0;
			for (let bi = I * k; bi < Math.min(p.size, (I + 1) * k); bi++)
				for (let bj = J * k; bj < Math.min(p.size, (J + 1) * k); bj++) {
					const o = bi * p.size + bj;
					const c = cells(bi) * cells(bj);
					m = Math.max(m, p.max[o]);
					sum += p.mean[o] * c;
					n += c;
				}
			max[I * size + J] = m;
			mean[I * size + J] = n ? sum / n : 0;
		}
	return { seq: p.seq, block, size, max, mean };
}
