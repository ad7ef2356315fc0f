// tokenizer.json (+ tokenizer_config.json) -> a tokenizer, with @huggingface/tokenizers doing the
// work (normalizers, pre-tokenizers, BPE/WordPiece/Unigram, post-processors). The files are
// untrusted input: anything the library rejects becomes one message naming the file.
import { Tokenizer } from '@huggingface/tokenizers';
import { ModelError, displayName } from '../onnx/errors.js';
import { tokenText, isByteLevel } from './display.js';

export interface Token {
	id: number;
	/** The vocabulary entry as the model stores it ("Ġcat", "##ing", "▁the"). */
	raw: string;
	/** Readable text: bytes decoded, a leading space shown as "␣", control characters escaped. */
	text: string;
	special: boolean;
}

export interface TextTokenizer {
	/** The file it was read from, as the caller named it. */
	file: string;
	/** The model type in tokenizer.json: "BPE", "WordPiece", "Unigram" ... */
	type: string;
	byteLevel: boolean;
	encode(text: string): Token[];
	/** The display text of one id (axis labels of ids typed by hand). */
	label(id: number): Token | null;
}

const HINT = 'Use the tokenizer.json that came with the model (the Hugging Face tokenizers format).';

/** JSON text or an already parsed object; a parse failure names the file. */
function parse(src: string | object, file: string): Record<string, unknown> {
	if (typeof src !== 'string') return src as Record<string, unknown>;
	try {
		const v: unknown = JSON.parse(src);
		if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
	} catch {
		/* reported below */
	}
	throw new ModelError(`${displayName(file)} is not a JSON object, so it cannot be read as a tokenizer.`, HINT);
}

export function loadTokenizer(json: string | object, config: string | object | null = null, file = 'tokenizer.json'): TextTokenizer {
	const tj = parse(json, file);
	const model = tj.model as { type?: unknown; vocab?: unknown } | undefined;
	if (!model || typeof model !== 'object' || !model.vocab)
		throw new ModelError(`${displayName(file)} has no "model" with a vocabulary: it is not a tokenizer.json.`, HINT);
	const type = typeof model.type === 'string' ? model.type : inferType(model);
	const cfg = config === null ? {} : parse(config, 'tokenizer_config.json');
	let tok: Tokenizer;
	try {
		tok = new Tokenizer(tj, cfg);
	} catch (e) {
		throw new ModelError(
			`${displayName(file)} could not be read as a ${displayName(type, 20)} tokenizer: ${displayName(String((e as Error)?.message ?? e), 120)}.`,
			HINT
		);
	}
	const byteLevel = isByteLevel(tj);
	const special = new Set<number>();
	for (const [id, t] of tok.get_added_tokens_decoder()) if (t.special) special.add(id);
	const token = (id: number, raw: string): Token => ({ id, raw, text: tokenText(raw, byteLevel), special: special.has(id) });
	return {
		file,
		type,
		byteLevel,
		encode(text: string): Token[] {
			let enc;
			try {
				enc = tok.encode(text);
			} catch (e) {
				throw new ModelError(
					`The tokenizer ${displayName(file)} failed on this text: ${displayName(String((e as Error)?.message ?? e), 120)}.`
				);
			}
			return enc.ids.map((id, i) => token(id, enc.tokens[i] ?? tok.id_to_token(id) ?? ''));
		},
		label(id: number): Token | null {
			const raw = tok.id_to_token(id);
			return raw === undefined ? null : token(id, raw);
		}
	};
}

/** Old files leave `type` out; the vocabulary's shape tells (Unigram: [piece, score] pairs). */
function inferType(model: { vocab?: unknown; merges?: unknown }): string {
	if (Array.isArray(model.vocab)) return 'Unigram';
	return model.merges ? 'BPE' : 'WordPiece';
}
