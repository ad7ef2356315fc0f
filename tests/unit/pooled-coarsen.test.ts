import { describe, expect, it } from 'vitest';
import { poolPattern } from '../../src/lib/stats';
import { coarsenPooled } from '../../src/lib/viz/pooled';

/** A causal softmax-like pattern: random rows normalized over keys 0..i, zeros above the diagonal. */
function causal(seq: number, seed = 7): Float32Array {
	let s = seed;
	const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
	const out = new Float32Array(seq * seq);
	for (let i = 0; i < seq; i++) {
		let sum = 0;
		for (let j = 0; j <= i; j++) sum += out[i * seq + j] = rand() ** 4;
		for (let j = 0; j <= i; j++) out[i * seq + j] /= sum;
	}
	return out;
}

describe('coarsenPooled', () => {
	it('equals pooling the full pattern with the larger block (301 tokens: partial last blocks)', () => {
		const seq = 301;
		const x = causal(seq);
		const fine = poolPattern(x, seq, 128); // block 3, 101 blocks
		const coarse = coarsenPooled(fine, 64); // block 6, 51 blocks
		const ref = poolPattern(x, seq, 51); // block ceil(301 / 51) = 6
		expect([coarse.block, coarse.size]).toEqual([6, 51]);
		expect([ref.block, ref.size]).toEqual([6, 51]);
		expect(Array.from(coarse.max)).toEqual(Array.from(ref.max));
		for (let i = 0; i < ref.mean.length; i++) expect(coarse.mean[i]).toBeCloseTo(ref.mean[i], 6);
	});
	it('keeps a single hot cell at full value in its block max', () => {
		const seq = 256;
		const x = new Float32Array(seq * seq);
		x[200 * seq + 17] = 1;
		const coarse = coarsenPooled(poolPattern(x, seq, 128), 32); // block 8
		expect(coarse.block).toBe(8);
		const k = Math.floor(200 / 8) * coarse.size + Math.floor(17 / 8);
		expect(coarse.max[k]).toBe(1);
		expect(coarse.mean[k]).toBeCloseTo(1 / 64, 7);
		expect(coarse.max.reduce((a, b) => a + b, 0)).toBe(1);
	});
	it('returns the pattern itself when it is already small enough', () => {
		const p = poolPattern(causal(40), 40, 128);
		expect(coarsenPooled(p, 64)).toBe(p);
	});
});
