// KV-cache tensors by name, as exporters spell them: Optimum's past_key_values.{i}.key/.value and
// present.{i}.key/.value (seq2seq: past_key_values.{i}.decoder.key, .encoder.value), GPTBigCode's
// .key_value (keys and values packed), onnxruntime-genai's past_key_values.{i}.key, older
// past_key / past_value / past.{i} / present_{i}, and cache_* / *_cache names.

export type CacheKind = 'key' | 'value' | 'key_value';

export interface CacheName {
	/** Layer index from the name, or null when it has none (a single-layer model). */
	layer: number | null;
	kind: CacheKind;
	/** Seq2seq: the decoder's self-attention cache or the encoder (cross-attention) one. */
	part: 'decoder' | 'encoder' | null;
	/** past_* / cache_* (an input), or present_* (an output). */
	io: 'past' | 'present';
}

const PAST = /^(past|cache|prev)|[._](past|cache)$|^past_key_values/;
const PRESENT = /^present/;

export function cacheName(name: string): CacheName | null {
	const n = name.toLowerCase();
	const io = PRESENT.test(n) ? 'present' : PAST.test(n) || /(^|[._])cache([._]|$)|_cache_|^cache_/.test(n) ? 'past' : null;
	if (!io) return null;
	const rest = n.replace(/^(past|present)_key_values/, '$1');
	const kind: CacheKind | null = /key_?value|kv\b|[._]kv$/.test(rest)
		? 'key_value'
		: /(^|[._])(key|k)([._]|$)|_key\b|key_\d/.test(rest)
			? 'key'
			: /(^|[._])(value|v)([._]|$)|_value\b|value_\d/.test(rest)
				? 'value'
				: /^(past|present)(\.\d+|_\d+)?$/.test(rest)
					? 'key_value' // past.{i}: [2, B, H, S, hd], both stacked
					: null;
	if (!kind) return null;
	const layer = /(\d+)/.exec(rest);
	const part = /decoder/.test(n) ? 'decoder' : /encoder/.test(n) ? 'encoder' : null;
	return { layer: layer ? Number(layer[1]) : null, kind, part, io };
}

/** The branch selector of Optimum's merged decoders. */
export function isCacheBranchFlag(name: string): boolean {
	return /use_cache_branch/i.test(name);
}
