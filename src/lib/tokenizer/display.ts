// What a token looks like on an axis: byte-level BPE stores bytes as printable stand-ins
// ("Ġ" = space, "Ã©" = the two bytes of "é"); SentencePiece marks a word start with "▁".
// Both are shown as the text they stand for, with a visible mark for the leading space.
import { inert } from '../onnx/errors.js';

/** The mark shown for a leading space. */
export const SPACE_MARK = '␣';

let unicodeToByte: Map<string, number> | null = null;

/** GPT-2's byte <-> printable character table (bytes that print as themselves keep their code). */
function byteTable(): Map<string, number> {
	if (unicodeToByte) return unicodeToByte;
	const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
	const m = new Map<string, number>();
	let extra = 0;
	for (let b = 0; b < 256; b++) m.set(String.fromCharCode(printable(b) ? b : 256 + extra++), b);
	unicodeToByte = m;
	return m;
}

/** Is this tokenizer byte-level (a ByteLevel pre-tokenizer or decoder anywhere in it)? */
export function isByteLevel(tj: Record<string, unknown>): boolean {
	const has = (x: unknown): boolean => {
		if (!x || typeof x !== 'object') return false;
		const o = x as Record<string, unknown>;
		if (o.type === 'ByteLevel') return true;
		return ['pretokenizers', 'decoders', 'processors'].some((k) => Array.isArray(o[k]) && (o[k] as unknown[]).some(has));
	};
	return has(tj.pre_tokenizer) || has(tj.decoder);
}

/** The readable text of one vocabulary entry. */
export function tokenText(raw: string, byteLevel: boolean): string {
	let s = byteLevel ? fromBytes(raw) : raw.replace(/▁/g, ' ');
	if (s.startsWith(' ')) s = SPACE_MARK + s.slice(1);
	return inert(s);
}

/** Byte stand-ins -> UTF-8 text; bytes that are not whole characters on their own read as <0xC3>. */
function fromBytes(raw: string): string {
	const table = byteTable();
	const bytes: number[] = [];
	for (const ch of raw) {
		const b = table.get(ch);
		if (b === undefined) return raw; // an added token, stored as plain text
		bytes.push(b);
	}
	try {
		return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
	} catch {
		return bytes.map((b) => (b < 0x80 ? String.fromCharCode(b) : `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`)).join('');
	}
}
