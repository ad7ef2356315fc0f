// inspect --repeat: the input written twice, so head_scores measure induction.
import { describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli/args.js';
import { DEFAULT_TEXT } from '../../src/lib/runtime/inputs.js';
import { repeatPeriod } from '../../src/lib/stats/index.js';

describe('--repeat', () => {
	it('doubles the text, the default text, or the ids; without it nothing changes', () => {
		expect(parseCli(['m.onnx', '--repeat', '--text', 'abc'])).toMatchObject({ text: 'abcabc' });
		expect(parseCli(['m.onnx', '--repeat']).text).toBe(DEFAULT_TEXT + DEFAULT_TEXT);
		expect(parseCli(['m.onnx', '--repeat', '--ids', '3,1,4'])).toMatchObject({ ids: '3,1,4,3,1,4', text: undefined });
		expect(parseCli(['m.onnx', '--text', 'abc'])).toMatchObject({ text: 'abc', ids: undefined });
	});

	it('a doubled input is what head scores call a repeat (period = the original length)', () => {
		expect(repeatPeriod([...'the cat', ...'the cat'].map((c) => c.charCodeAt(0)))).toBe(7);
		expect(repeatPeriod([1, 2, 1])).toBeNull();
	});
});
