import { describe, expect, it } from 'vitest';
import { blockAboveDiagonal, poolPattern, summarizeRows } from '../../src/lib/stats/long.js';

// A causal pattern: row i spreads over keys 0..i with one hot key.
function causal(seq: number, hot: (i: number) => number): Float32Array {
	const p = new Float32Array(seq * seq);
	for (let i = 0; i < seq; i++) {
		const k = hot(i);
		for (let j = 0; j <= i; j++) p[i * seq + j] = j === k ? 0.5 : 0.5 / i || 0;
		if (i === 0) p[0] = 1;
	}
	return p;
}

describe('row summaries', () => {
	it('max, first argmax, entropy with 0 ln 0 = 0, sink', () => {
		const seq = 3;
		// rows: [1,0,0], [0.5,0.5,0], [0.2,0.3,0.5]
		const p = Float32Array.from([1, 0, 0, 0.5, 0.5, 0, 0.2, 0.3, 0.5]);
		const s = summarizeRows(p, seq);
		expect(Array.from(s.max)).toEqual([1, 0.5, 0.5].map(Math.fround));
		expect(Array.from(s.argmax)).toEqual([0, 0, 2]);
		expect(s.entropy[0]).toBe(0);
		expect(s.entropy[1]).toBeCloseTo(Math.log(2), 6);
		expect(s.entropy[2]).toBeCloseTo(-(0.2 * Math.log(0.2) + 0.3 * Math.log(0.3) + 0.5 * Math.log(0.5)), 6);
		expect(Array.from(s.sink)).toEqual([1, 0.5, 0.2].map(Math.fround));
	});
});

describe('pooled pattern', () => {
	it('keeps one hot cell visible in the max and averages over the cells that exist', () => {
		const seq = 10;
		const p = new Float32Array(seq * seq);
		p[7 * seq + 2] = 1; // one sharp key
		const pooled = poolPattern(p, seq, 4); // block 3, size 4 (last block 1 wide)
		expect(pooled.block).toBe(3);
		expect(pooled.size).toBe(4);
		expect(pooled.max[2 * 4 + 0]).toBe(1);
		expect(pooled.mean[2 * 4 + 0]).toBeCloseTo(1 / 9, 7);
		const hot = Array.from(pooled.max).filter((v) => v > 0);
		expect(hot).toEqual([1]);
		const q = new Float32Array(seq * seq).fill(1);
		const full = poolPattern(q, seq, 4);
		expect(Array.from(full.mean).every((v) => v === 1)).toBe(true); // partial blocks are not diluted
	});

	it('sums back to the row count and marks blocks wholly above the diagonal', () => {
		const seq = 64;
		const p = causal(seq, (i) => Math.floor(i / 2));
		const pooled = poolPattern(p, seq, 8);
		let total = 0;
		for (let bi = 0; bi < pooled.size; bi++)
			for (let bj = 0; bj < pooled.size; bj++) {
				total += pooled.mean[bi * pooled.size + bj] * pooled.block * pooled.block;
				if (blockAboveDiagonal(pooled, bi, bj)) expect(pooled.max[bi * pooled.size + bj]).toBe(0);
			}
		expect(total).toBeCloseTo(seq, 3);
		expect(blockAboveDiagonal(pooled, 0, 1)).toBe(true);
		expect(blockAboveDiagonal(pooled, 1, 1)).toBe(false);
	});
});
