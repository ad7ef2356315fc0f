// The readable summary's lines for a model folder and a tokenized text: which variant ran (of
// which), the tokenizer, what the captured graph is, the empty caches, and the tokens with their ids.
import { formatBytes } from '../lib/runtime/index.js';
import type { InspectResult } from './run.js';

/** At most this many tokens are listed (the JSON has them all). */
const MAX_TOKENS = 64;

/** [label, text] pairs; names are the model's own (the caller shows them inert). */
export function folderLines(r: InspectResult): [string, string][] {
	const out: [string, string][] = [];
	const src = r.source;
	const info = r.modelInfo as { weights?: string; captured_graph?: string | null; kv_cache_inputs?: string[] };
	if (src.folder) {
		const v = src.folder.variant;
		const others = src.folder.variants.filter((x) => x.name !== v.name).map((x) => x.name);
		const of = others.length ? `; also in the folder: ${others.join(', ')} (--variant NAME)` : '';
		out.push(['folder', `variant ${v.name} (${v.path}, ${v.nameDtype}, ${formatBytes(v.size)}, weights ${info.weights ?? '?'})${of}`]);
	}
	if (src.tokenizer)
		out.push(['tokenizer', `${src.tokenizer.file} (${src.tokenizer.type}${src.tokenizer.byteLevel ? ', byte-level' : ''})`]);
	if (src.configFile) out.push(['config', src.configFile]);
	if (info.captured_graph) out.push(['graph', info.captured_graph]);
	if (info.kv_cache_inputs?.length) out.push(['kv cache', `${info.kv_cache_inputs.length} inputs start empty (past length 0)`]);
	const t = tokenLine(r);
	if (t) out.push(['tokens', t]);
	return out;
}

/** `3: ␣the 262 · ␣cat 3797 · [<s>] 1`: each position's text and id; special tokens in brackets. */
export function tokenLine(r: Pick<InspectResult, 'tokens' | 'tokenIds' | 'special'>): string | null {
	const ids = r.tokenIds;
	if (!ids?.length) return null;
	const shown = ids.slice(0, MAX_TOKENS).map((id, i) => {
		const text = r.tokens[i] ?? '';
		const label = r.special[i] ? `[${text}]` : text;
		return label === String(id) ? label : `${label} ${id}`;
	});
	const more = ids.length > MAX_TOKENS ? ` · ... (${ids.length - MAX_TOKENS} more in --json)` : '';
	return `${ids.length}: ${shown.join(' · ')}${more}`;
}
