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

/**
 * The hook name of a present.* output (the layer's keys or values after this run, past included),
 * TransformerLens-like: `blocks.{i}.attn.hook_k` / `hook_v` (`hook_kv` when packed; seq2seq's
 * encoder cache is `cross_attn`). The layout stays as exported ([B, H_kv, S_past + S, d_head] as a
 * rule), not TransformerLens's [B, S, H, d_head]. null for other names, and for a name without a
 * layer in a model of several.
 */
export function presentHook(name: string, layers: number): string | null {
	const c = cacheName(name);
	if (!c || c.io !== 'present') return null;
	const layer = c.layer ?? (layers === 1 ? 0 : null);
	if (layer === null) return null;
	const kind = c.kind === 'key' ? 'hook_k' : c.kind === 'value' ? 'hook_v' : 'hook_kv';
	return `blocks.${layer}.${c.part === 'encoder' ? 'cross_attn' : 'attn'}.${kind}`;
}

/**
 * The keys and values a fused attention op hands on as its present outputs (its own cache for the
 * next step), as hooks of block `layer`: GroupQueryAttention, MultiHeadAttention and ONNX
 * Attention-23 write present_key (output 1) and present_value (output 2), [B, H_kv, S, d_head];
 * com.microsoft Attention writes one packed `present` [2, B, H, S, d_head] (output 1).
 */
export function fusedPresentHooks(op: { opType: string; domain: string; outputs: readonly string[] }, layer: number): [string, string][] {
	const b = `blocks.${layer}.attn`;
	const [, o1, o2] = op.outputs;
	if (op.opType === 'Attention' && op.domain === 'com.microsoft') return o1 ? [[`${b}.hook_kv`, o1]] : [];
	if (!['GroupQueryAttention', 'MultiHeadAttention', 'Attention'].includes(op.opType)) return [];
	const out: [string, string][] = [];
	if (o1) out.push([`${b}.hook_k`, o1]);
	if (o2) out.push([`${b}.hook_v`, o2]);
	return out;
}
