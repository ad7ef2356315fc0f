// The tokenizer wrapper on tokenizers of our own making (tests/fixtures/folder/tokenizers.ts):
// ids checked against a second, independent BPE / WordPiece implementation written here, and the
// display text (bytes decoded, leading-space mark, specials) against hand-worked cases.
import { describe, expect, it } from 'vitest';
import { loadTokenizer, tokenText, SPACE_MARK } from '../../src/lib/tokenizer/index.js';
import { byteLevelBpe, byteToUnicode, charBpe, wordPiece } from '../fixtures/folder/tokenizers.js';
import { ModelError } from '../../src/lib/onnx/errors.js';

const TEXTS = [
	'the cat sat on the mat',
	'a dog ran to the log, then the cat',
	'café héllo wörld!',
	"it's 42 cats  and   spaces",
	'the mat is on the floor'
];

/** Reference byte-level BPE: GPT-2 split, bytes -> stand-ins, then merge the lowest-ranked pair until none applies. */
function referenceByteBpe(tj: ReturnType<typeof byteLevelBpe>, text: string): number[] {
	const b2u = byteToUnicode();
	const rank = new Map(tj.model.merges.map((m, i) => [m, i]));
	const split = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
	const ids: number[] = [];
	for (const piece of text.match(split) ?? []) {
		let syms = Array.from(new TextEncoder().encode(piece), (b) => b2u[b]);
		for (;;) {
			let best = -1;
			let bestRank = Infinity;
			for (let i = 0; i + 1 < syms.length; i++) {
				const r = rank.get(`${syms[i]} ${syms[i + 1]}`);
				if (r !== undefined && r < bestRank) [best, bestRank] = [i, r];
			}
			if (best < 0) break;
			syms = [...syms.slice(0, best), syms[best] + syms[best + 1], ...syms.slice(best + 2)];
		}
		for (const s of syms) ids.push((tj.model.vocab as Record<string, number>)[s]);
	}
	return ids;
}

/** Reference WordPiece: lower-case, strip accents, split words and punctuation, greedy longest match. */
function referenceWordPiece(tj: ReturnType<typeof wordPiece>, text: string): number[] {
	const v = tj.model.vocab;
	const norm = text
		.toLowerCase()
		.normalize('NFD')
		.replace(/\p{Mn}/gu, '');
	const ids = [v['[CLS]']];
	for (const w of norm.match(/\p{L}+|\p{N}+|[^\s\p{L}\p{N}]/gu) ?? []) {
		const out: number[] = [];
		let start = 0;
		while (start < w.length) {
			let end = w.length;
			let id: number | undefined;
			for (; end > start; end--) {
				id = v[(start ? '##' : '') + w.slice(start, end)];
				if (id !== undefined) break;
			}
			if (id === undefined) {
				out.length = 0;
				out.push(v['[UNK]']);
				break;
			}
			out.push(id);
			start = end;
		}
		ids.push(...out);
	}
	ids.push(v['[SEP]']);
	return ids;
}

describe('tokenizer', () => {
	it('byte-level BPE: ids match a reference implementation, merges are used', () => {
		const tj = byteLevelBpe();
		const t = loadTokenizer(tj);
		expect(t.type).toBe('BPE');
		expect(t.byteLevel).toBe(true);
		for (const s of TEXTS)
			expect(
				t.encode(s).map((x) => x.id),
				s
			).toEqual(referenceByteBpe(tj, s));
		const toks = t.encode('the cat sat on the mat');
		expect(toks.length).toBeLessThan(10); // merged: not one token per byte
		expect(toks.map((x) => x.text)).toEqual([
			'the',
			`${SPACE_MARK}cat`,
			`${SPACE_MARK}sat`,
			`${SPACE_MARK}on`,
			`${SPACE_MARK}the`,
			`${SPACE_MARK}mat`
		]);
	});

	it('byte-level display: multi-byte characters decoded, a lone byte of one shown as hex, specials marked', () => {
		const t = loadTokenizer(byteLevelBpe());
		const [, mid] = t.encode('xé');
		expect(mid.text).toBe('é');
		expect(tokenText('Ã', true)).toBe('<0xC3>');
		expect(tokenText('Ċ', true)).toBe('\\n'); // a newline, visible
		const end = t.encode('the<|endoftext|>');
		expect(end[end.length - 1]).toMatchObject({ id: 0, text: '<|endoftext|>', special: true });
		expect(t.label(0)?.special).toBe(true);
		expect(t.label(99999)).toBeNull();
	});

	it('WordPiece: ids match a greedy longest-match reference, [CLS]/[SEP] added and marked special', () => {
		const tj = wordPiece();
		const t = loadTokenizer(tj);
		expect(t.type).toBe('WordPiece');
		for (const s of TEXTS)
			expect(
				t.encode(s).map((x) => x.id),
				s
			).toEqual(referenceWordPiece(tj, s));
		const toks = t.encode('the catalog');
		expect(toks[0]).toMatchObject({ raw: '[CLS]', special: true });
		expect(toks.map((x) => x.raw)).toContain('##og');
	});

	it('SentencePiece-style BPE: "▁" shown as the space mark, <s> prepended by the template, <unk> for unknown characters', () => {
		const t = loadTokenizer(charBpe());
		const toks = t.encode('the cat #');
		expect(toks[0]).toMatchObject({ raw: '<s>', special: true });
		expect(toks[1].text).toBe(`${SPACE_MARK}the`);
		expect(toks.some((x) => x.raw === '<unk>')).toBe(true);
	});

	it('bad files get one message naming the file', () => {
		expect(() => loadTokenizer('{not json', null, 'tok.json')).toThrow(ModelError);
		expect(() => loadTokenizer('{not json', null, 'tok.json')).toThrow(/tok\.json is not a JSON object/);
		expect(() => loadTokenizer('{"version":"1.0"}', null, 'x/tokenizer.json')).toThrow(/no "model" with a vocabulary/);
		expect(() => loadTokenizer('[1,2]')).toThrow(/not a JSON object/);
	});

	it('token text from a hostile vocabulary stays inert', () => {
		expect(tokenText('\u001b[31mred\u202e', false)).toBe('\\x1b[31mred\\u202e');
	});
});
