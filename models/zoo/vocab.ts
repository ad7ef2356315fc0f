// Character-level vocabulary: id 0 is "<unk>", ids 1..95 are the printable ASCII characters ' '..'~'.

export const UNK = '<unk>';

export const VOCAB: readonly string[] = [UNK, ...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i))];

/** Text -> token ids; a character that is not in the vocabulary becomes id 0 ("<unk>"). */
export function tokenize(text: string, vocab: readonly string[] = VOCAB): number[] {
	const index = new Map<string, number>();
	vocab.forEach((tok, i) => {
		if (!index.has(tok)) index.set(tok, i);
	});
	return Array.from(text, (ch) => index.get(ch) ?? 0);
}
