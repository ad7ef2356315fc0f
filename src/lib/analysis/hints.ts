// config.json (transformers' model config) as hints for recognition. The graph stays the
// authority: a hint fills only what the graph leaves open (the head count of a fused or folded
// attention, the cache's head size), and a hint that disagrees with the graph is reported.
import type { Note, Structure } from './types.js';

export interface ConfigHints {
	model_type?: string;
	num_attention_heads?: number;
	num_key_value_heads?: number;
	hidden_size?: number;
	head_dim?: number;
	num_hidden_layers?: number;
	norm_eps?: number;
}

// transformers' spellings per field, first match wins (GPT-2: n_head/n_embd/n_layer/layer_norm_epsilon).
const FIELDS: [keyof ConfigHints, string[]][] = [
	['num_attention_heads', ['num_attention_heads', 'n_head', 'num_heads', 'n_heads', 'encoder_attention_heads']],
	['num_key_value_heads', ['num_key_value_heads', 'n_kv_heads', 'multi_query_group_num']],
	['hidden_size', ['hidden_size', 'n_embd', 'd_model', 'dim']],
	['head_dim', ['head_dim', 'kv_channels']],
	['num_hidden_layers', ['num_hidden_layers', 'n_layer', 'num_layers', 'n_layers']],
	['norm_eps', ['layer_norm_epsilon', 'layer_norm_eps', 'rms_norm_eps', 'norm_epsilon', 'layernorm_epsilon']]
];

/** The hints a config.json holds; unknown or ill-typed fields are ignored (the file is untrusted). */
export function parseConfig(json: string | object): ConfigHints {
	let c: unknown = json;
	if (typeof json === 'string') {
		try {
			c = JSON.parse(json);
		} catch {
			return {};
		}
	}
	if (!c || typeof c !== 'object' || Array.isArray(c)) return {};
	// Multimodal and seq2seq configs nest the language model's fields.
	const o = c as Record<string, unknown>;
	const src = [o, o.text_config, o.llm_config, o.decoder].filter((x): x is Record<string, unknown> => !!x && typeof x === 'object');
	const out: ConfigHints = {};
	if (typeof o.model_type === 'string') out.model_type = o.model_type.slice(0, 64);
	for (const [key, names] of FIELDS)
		for (const s of src) {
			const v = names.map((n) => s[n]).find((x) => typeof x === 'number' && Number.isFinite(x) && x > 0);
			if (typeof v === 'number') {
				(out as Record<string, number>)[key] = v;
				break;
			}
		}
	if (o.multi_query === true && out.num_key_value_heads === undefined) out.num_key_value_heads = 1; // GPTBigCode
	return out;
}

/** Head size as the config implies it (head_dim, else hidden_size / heads). */
export function headDimOf(h: ConfigHints): number | null {
	if (h.head_dim) return h.head_dim;
	if (h.hidden_size && h.num_attention_heads && h.hidden_size % h.num_attention_heads === 0) return h.hidden_size / h.num_attention_heads;
	return null;
}

/**
 * Fill open head counts from the config and note every disagreement (in `unrecognized`, where
 * users look for what recognition could not settle). Returns the notes added.
 */
export function applyHints(s: Structure, h: ConfigHints): Note[] {
	const notes: Note[] = [];
	const heads = h.num_attention_heads;
	for (const a of s.attention) {
		if (!heads) break;
		if (a.heads === null) {
			a.heads = heads;
			s.ambiguities.push({
				what: `attention "${a.pattern}"`,
				why: `head count ${heads} taken from config.json (the graph does not fix it)`
			});
		} else if (a.heads !== heads)
			notes.push({
				what: `attention "${a.pattern}"`,
				why: `the graph has ${a.heads} heads, config.json says ${heads}; the graph's count is used`
			});
	}
	if (h.num_hidden_layers && s.layers.length && s.layers.length !== h.num_hidden_layers)
		notes.push({ what: 'layers', why: `recognition found ${s.layers.length} blocks, config.json says ${h.num_hidden_layers}` });
	if (h.norm_eps !== undefined) {
		const off = s.norms.filter((n) => n.eps !== null && Math.abs(n.eps - h.norm_eps!) > 1e-3 * h.norm_eps! + 1e-12);
		if (off.length)
			notes.push({
				what: 'norm epsilon',
				why: `${off.length} norm${off.length === 1 ? '' : 's'} use eps ${off[0].eps}, config.json says ${h.norm_eps}; the graph's value is used`
			});
	}
	s.unrecognized.push(...notes);
	return notes;
}
