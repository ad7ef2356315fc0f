// What the page draws for a head before its exact rows arrive under summary capture: that layer's
// and head's pooled pattern and row summaries, as the worker sent them (any layer, any head).
import { describe, expect, it } from 'vitest';
import { heldSummary } from '../../src/lib/features/attention';
import { poolPattern, summarizeRows } from '../../src/lib/stats';
import type { LongCapture } from '../../src/lib/worker/protocol';

const S = 40;
/** Head h attends to key h on every row it can (a one-hot causal pattern). */
function oneHot(h: number): Float32Array {
	const p = new Float32Array(S * S);
	for (let i = 0; i < S; i++) p[i * S + Math.min(i, h)] = 1;
	return p;
}
const layer = (l: number, heads: number) => ({
	layer: l,
	tensor: `blocks.${l}.attn.hook_pattern`,
	heads,
	rows: Array.from({ length: heads }, (_, h) => summarizeRows(oneHot(h + l), S)),
	pooled: Array.from({ length: heads }, (_, h) => poolPattern(oneHot(h + l), S, 16))
});
const long = {
	seq: S,
	target: 16,
	layer: 0,
	head: 0,
	headPattern: 'head_pattern',
	served: 'open',
	ms: 1,
	layers: [layer(0, 3), layer(2, 3)]
} satisfies LongCapture;

describe('heldSummary', () => {
	it("gives any held layer's and head's summaries, not only the one shown exactly", () => {
		const s = heldSummary(long, 2, 1)!;
		expect(s.source).toBe('captured');
		expect(s.seq).toBe(S);
		expect(s.pooled).toBe(long.layers[1].pooled[1]);
		expect(s.rows).toBe(long.layers[1].rows[1]);
		// Layer 2, head 1 attends to key 3: row 30's argmax, its weight 1 and entropy 0.
		expect([s.rows.argmax[30], s.rows.max[30], s.rows.entropy[30]]).toEqual([3, 1, 0]);
		expect(s.pooled.block).toBe(3);
	});
	it('is null where nothing is held: no summary capture, a layer or head it lacks', () => {
		expect(heldSummary(null, 0, 0)).toBeNull();
		expect(heldSummary(long, 1, 0)).toBeNull();
		expect(heldSummary(long, 0, 3)).toBeNull();
	});
});
