// Feeds for text typed with a model's own tokenizer: the CLI (--text on a folder) and the page
// (the text box) build the same ids and the same per-position token text from it.
import type { Graph } from '../onnx/graph.js';
import { ModelError } from '../onnx/errors.js';
import type { TextTokenizer } from '../tokenizer/index.js';
import type { ConfigHints } from '../analysis/hints.js';
import { modelInputs, type ModelInputs } from './model-inputs.js';
import { DEFAULT_TEXT, tokenInput, tokenLabels, type InputOptions } from './inputs.js';

export interface TextFeeds extends ModelInputs {
	/** Readable text per position of the token input (batch 0). */
	tokens: string[];
	tokenIds: number[] | null;
	/** Which positions hold special tokens (<s>, [CLS] ...), for marking them. */
	special: boolean[];
}

/** Feeds with the text tokenized when there is a tokenizer (and a token input to take it). */
export function textFeeds(graph: Graph, tokenizer: TextTokenizer | null, hints: ConfigHints | null, opts: InputOptions): TextFeeds {
	const tok = tokenInput(graph);
	const useTokenizer = tokenizer && tok && opts.ids === undefined && !opts.given?.[tok.name];
	const encoded = useTokenizer ? tokenizer.encode(opts.text ?? DEFAULT_TEXT) : null;
	if (encoded && !encoded.length) throw new ModelError('The tokenizer made no tokens of this text.', 'Type some text.');
	const mi = modelInputs(graph, { ...opts, textIds: encoded?.map((t) => t.id), hints });
	const feed = tok ? mi.feeds[tok.name] : undefined;
	const tokenIds = feed ? Array.from({ length: feed.dims[feed.dims.length - 1] ?? 0 }, (_, i) => Number(feed.data[i])) : null;
	const labels = tokenizer && tokenIds ? tokenIds.map((id) => tokenizer.label(id)) : null;
	const tokens = labels ? labels.map((l, i) => l?.text ?? String(tokenIds![i])) : tokenLabels(graph, mi.feeds);
	return { ...mi, tokens, tokenIds, special: labels ? labels.map((l) => l?.special ?? false) : tokens.map(() => false) };
}
