// The long view's data for the head shown: computed once per pattern and head from the full pattern
// (the stats/long.ts references), or summary capture's own when the worker sent them; and the
// readout's entropy/argmax/sink read from those row summaries.
import { describe, expect, it } from 'vitest';
import { longPattern, OVERVIEW_TARGET, type AttentionAt } from '../../src/lib/features/attention';
import { poolPattern, summarizeRows, uniform } from '../../src/lib/stats';
import { attentionReadout, attentionView } from '../../src/lib/viz';
import type { CapturedTensor } from '../../src/lib/tensor';
import type { LongCapture } from '../../src/lib/worker/protocol';

const S = 1100;
const H = 2;

function causal(): CapturedTensor {
	const r = uniform(9);
	const data = new Float32Array(H * S * S);
	for (let h = 0; h < H; h++)
		for (let i = 0; i < S; i++) {
			const at = (h * S + i) * S;
			let sum = 0;
			for (let j = 0; j <= i; j++) sum += data[at + j] = Math.exp(3 * r());
			for (let j = 0; j <= i; j++) data[at + j] /= sum;
		}
	return { name: 'pattern', dims: [1, H, S, S], dtype: 'float32', data };
}

const pattern = causal();
const at = (head: number): AttentionAt => ({
	attn: null,
	pattern,
	scores: null,
	heads: H,
	head,
	view: attentionView(pattern, head, null, true)
});

describe('long pattern of the head shown', () => {
	it('pools and summarizes exactly that head, once', () => {
		const lp = longPattern(at(1), 0)!;
		expect(lp.source).toBe('computed');
		const head1 = (pattern.data as Float32Array).subarray(S * S, 2 * S * S);
		const want = poolPattern(head1, S, OVERVIEW_TARGET);
		expect(lp.pooled.block).toBe(want.block);
		expect(lp.pooled.max).toEqual(want.max);
		expect(lp.pooled.mean).toEqual(want.mean);
		expect(lp.rows.entropy).toEqual(summarizeRows(head1, S).entropy);
		expect(longPattern(at(1), 0)).toBe(lp); // memoized per pattern and head
		expect(longPattern(at(0), 0)!.pooled.max).not.toEqual(lp.pooled.max);
	});

	it("takes summary capture's summaries for that layer and head when they match the length", () => {
		const computed = longPattern(at(1), 3)!;
		const rows = { ...computed.rows, entropy: computed.rows.entropy.map((v) => v + 1) };
		const long = {
			seq: S,
			target: 128,
			layer: 3,
			head: 1,
			headPattern: 'p',
			served: 'rerun',
			ms: 1,
			layers: [{ layer: 3, tensor: 'pattern', heads: H, rows: [computed.rows, rows], pooled: [computed.pooled, computed.pooled] }]
		} satisfies LongCapture;
		const lp = longPattern(at(1), 3, long)!;
		expect(lp.source).toBe('captured');
		expect(lp.rows).toBe(rows);
		// Another layer or length: not theirs.
		expect(longPattern(at(1), 2, long)!.source).toBe('computed');
		expect(longPattern(at(1), 3, { ...long, seq: S + 1 })!.source).toBe('computed');
	});

	it('the readout reads entropy, argmax and sink from the row summaries', () => {
		const lp = longPattern(at(0), 0)!;
		const row = 1000;
		const r = attentionReadout(at(0).view!.view, row, 5, { layer: 0, head: 0, tokens: null, rows: lp.rows });
		const f = Object.fromEntries(r.fields);
		expect(f.sink).toBeDefined();
		expect(Number(f.sink)).toBeCloseTo(lp.rows.sink[row], 3);
		expect(f.argmax).toContain(`#${lp.rows.argmax[row]}`);
		expect(r.value).toBe(String((pattern.data as Float32Array)[row * S + 5]));
		// Short patterns (no summaries) keep today's fields.
		const plain = attentionReadout(at(0).view!.view, row, 5, { layer: 0, head: 0, tokens: null });
		expect(plain.fields.map(([k]) => k)).not.toContain('sink');
	});
});
