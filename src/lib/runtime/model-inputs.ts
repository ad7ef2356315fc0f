// Feeds for a model as downloaded: token ids from its tokenizer, empty KV caches shaped from the
// graph and config.json, use_cache_branch = false, and attention_mask / position_ids sized to past
// + text. The rest is defaultInputs (inputs.ts). Each input records where its value came from.
import type { Graph } from '../onnx/graph.js';
import type { CapturedTensor } from '../tensor/store.js';
import type { ConfigHints } from '../analysis/hints.js';
import { isCacheBranchFlag } from '../analysis/kv-names.js';
import { defaultInputs, tokenInput, vocabOf, type InputOptions } from './inputs.js';
import { cacheInputs, emptyCache, type CacheInput } from './kv-cache.js';

/** text: from typed text; user: given ids or a file; empty-cache: a past of length 0; default: a rule. */
export type InputSource = 'text' | 'default' | 'empty-cache' | 'user';

export interface ModelInputOptions extends InputOptions {
	/** Ids the tokenizer made from the text (they win over `ids` from the text box only when given). */
	textIds?: readonly number[];
	hints?: ConfigHints | null;
}

export interface ModelInputs {
	feeds: Record<string, CapturedTensor>;
	sources: Record<string, InputSource>;
	cache: CacheInput[];
	/** Names of inputs that select a merged decoder's branch, with the value fed. */
	branch: { name: string; value: boolean } | null;
}

export function modelInputs(graph: Graph, opts: ModelInputOptions = {}): ModelInputs {
	const user = new Set(Object.keys(opts.given ?? {}));
	const given: Record<string, CapturedTensor> = { ...opts.given };
	const sources: Record<string, InputSource> = {};
	const cache = cacheInputs(graph, opts.hints ?? null).filter((c) => !user.has(c.name));
	for (const c of cache) {
		const v = graph.inputs.find((i) => i.name === c.name)!;
		given[c.name] = emptyCache(c, v.dtype);
		sources[c.name] = 'empty-cache';
	}
	let branch: ModelInputs['branch'] = null;
	for (const v of graph.inputs) {
		if (!isCacheBranchFlag(v.name)) continue;
		// No cache to continue from, so the branch that computes everything from the text.
		if (!user.has(v.name)) given[v.name] = { name: v.name, dims: [1], dtype: v.dtype, data: new Uint8Array(1) };
		branch = { name: v.name, value: Number(given[v.name].data[0]) !== 0 };
	}
	const tok = tokenInput(graph);
	const ids = opts.textIds && opts.ids === undefined ? [...opts.textIds] : opts.ids;
	const feeds = defaultInputs(graph, { ...opts, ids, given });
	if (tok && !user.has(tok.name)) fitToTokens(graph, feeds, tok.name, user, past(cache, feeds));
	for (const v of graph.inputs) {
		if (sources[v.name]) continue;
		if (user.has(v.name)) sources[v.name] = 'user';
		else if (tok && v.name === tok.name)
			sources[v.name] = opts.ids !== undefined ? 'user' : opts.textIds || vocabOf(graph) ? 'text' : 'default';
		else sources[v.name] = 'default';
	}
	return { feeds, sources, cache, branch };
}

function past(cache: readonly CacheInput[], feeds: Record<string, CapturedTensor>): number {
	return cache.length ? Math.max(0, ...cache.map((c) => feeds[c.name]?.dims[pastDim(c)] ?? 0)) : 0;
}

function pastDim(c: CacheInput): number {
	return c.dims.indexOf(0);
}

/**
 * attention_mask covers past + new tokens, position_ids count the new ones from the past length.
 * Their declared dims often use another symbol than the ids ("total_sequence_length",
 * "past_sequence_length + 1"), so the generic rules can size them wrong; fixed here.
 */
function fitToTokens(graph: Graph, feeds: Record<string, CapturedTensor>, tok: string, user: Set<string>, pastLen: number): void {
	const ids = feeds[tok];
	if (!ids || ids.dims.length !== 2) return;
	const [batch, seq] = ids.dims;
	for (const v of graph.inputs) {
		if (user.has(v.name) || !feeds[v.name] || feeds[v.name].dims.length !== 2) continue;
		const n = v.name.toLowerCase();
		const isMask = /attention_mask|^mask$/.test(n);
		const isPos = /position_ids|^positions?$/.test(n);
		if (!isMask && !isPos) continue;
		const len = isMask ? pastLen + seq : seq;
		const dims = [batch, len];
		const values = Array.from({ length: batch * len }, (_, i) => (isMask ? 1 : pastLen + (i % len)));
		feeds[v.name] = { name: v.name, dims, dtype: v.dtype, data: typed(v.dtype, values) };
	}
}

function typed(dtype: string, values: number[]): CapturedTensor['data'] {
	switch (dtype) {
		case 'int64':
			return BigInt64Array.from(values, BigInt);
		case 'int32':
			return Int32Array.from(values);
		case 'float32':
			return Float32Array.from(values);
		case 'bool':
		case 'uint8':
			return Uint8Array.from(values);
		default:
			return Float32Array.from(values);
	}
}
