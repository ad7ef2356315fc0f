// Run B's own inputs (a second text) for the compare view and the diff: what B runs on, what its
// field shows, what typing there means, the URL keys that reopen it, and the length notes.
import { describe, expect, it } from 'vitest';
import { diffLengthError, fieldOfB, inputOfB, lengthNote, setB } from '../../src/lib/features/model/second-input';
import { readPage, writePage } from '../../src/lib/app/url';
import { DEFAULT_TEXT } from '../../src/lib/runtime/inputs';

describe("B's inputs", () => {
	it("B runs on A's inputs until it has its own text or ids", () => {
		const a = { text: 'the cat sat' };
		expect(inputOfB(a, null)).toBe(a);
		expect(inputOfB(a, { text: 'the dog sat' })).toEqual({ text: 'the dog sat' });
		expect(inputOfB({ ids: '1,2,3', seed: 4 }, { ids: '5,6' })).toEqual({ seed: 4, ids: '5,6' });
	});

	it("the field shows B's own value, else A's; typing A's value back makes B follow A again", () => {
		expect(fieldOfB({ text: 'the cat sat' }, null, true)).toEqual({ kind: 'text', value: 'the cat sat' });
		expect(fieldOfB({}, null, true)).toEqual({ kind: 'text', value: DEFAULT_TEXT });
		expect(fieldOfB({ text: 'a' }, { text: 'b' }, true)).toEqual({ kind: 'text', value: 'b' });
		expect(fieldOfB({ seq: 8 }, null, false)).toEqual({ kind: 'ids', value: '' });
		expect(fieldOfB({ ids: '1,2' }, { ids: '3' }, true)).toEqual({ kind: 'ids', value: '3' });
		expect(setB({ text: 'the cat sat' }, 'text', 'the dog sat')).toEqual({ text: 'the dog sat' });
		expect(setB({ text: 'the cat sat' }, 'text', 'the cat sat')).toBeNull();
		expect(setB({}, 'text', DEFAULT_TEXT)).toBeNull();
		expect(setB({ ids: '1,2' }, 'ids', ' 1,2 ')).toBeNull();
		expect(setB({ ids: '1,2' }, 'ids', '1,3')).toEqual({ ids: '1,3' });
	});

	it('text_b and ids_b reopen B, and are written only when B has its own', () => {
		const p = readPage(new URLSearchParams('model=pre-ln&compare=@a&text_b=the%20dog%20sat'));
		expect(p.compare).toBe('@a');
		expect(p.inputB).toEqual({ text: 'the dog sat' });
		expect(writePage(p).get('text_b')).toBe('the dog sat');
		expect(readPage(new URLSearchParams('diff=1&ids_b=3,4')).inputB).toEqual({ ids: '3,4' });
		expect(readPage(new URLSearchParams('text_b=')).inputB).toEqual({ text: '' });
		const none = readPage(new URLSearchParams('compare=post-ln'));
		expect(none.inputB).toBeNull();
		expect([...writePage(none).keys()]).not.toContain('text_b');
		expect(writePage({ ...none, inputB: { ids: '1,2' } }).get('ids_b')).toBe('1,2');
	});

	it('says how runs of different lengths pair up, and why the diff refuses them', () => {
		expect(lengthNote(6, 6)).toBeNull();
		expect(lengthNote(null, 6)).toBeNull();
		expect(lengthNote(6, 7)).toBe("A has 6 tokens, B 7: positions 1–6 are compared one to one; B's position 7 has no partner.");
		expect(lengthNote(9, 6)).toBe("A has 9 tokens, B 6: positions 1–6 are compared one to one; A's positions 7–9 have no partner.");
		expect(diffLengthError(6, 7)).toMatch(/^A's input has 6 tokens and B's 7: .* same number of tokens\. Make B's text 6 tokens long/);
	});
});
