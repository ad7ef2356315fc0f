// Default inputs from the model's input metadata, so the page and the CLI feed a model the same
// tensors: text -> token ids for models that carry a vocabulary, seeded random values otherwise.
// Everything is deterministic: the same model, options and seed give the same bytes.
import { ModelError, type Dim, type Graph, type ValueInfo } from '../onnx/index.js';
import type { CapturedTensor } from '../tensor/index.js';
import { cast, fill, isInt, roleOf } from './fill.js';
import { checkInputSize } from './limits.js';

/** Documented defaults (README: "Inputs"). */
export const DEFAULT_TEXT = 'the cat sat on the mat';
export const DEFAULT_SEED = 0;
export const DEFAULT_BATCH = 1;
export const DEFAULT_SEQ = 16;
/** Past (KV-cache) lengths start empty: the first step of generation. */
export const DEFAULT_PAST = 0;
/** Any other symbolic dim whose name says it is a count (e.g. `num_images`). */
export const DEFAULT_OTHER = 1;
/** Random ids are drawn from [0, vocab size); without a known vocab size, from [0, 100). */
export const DEFAULT_ID_RANGE = 100;

/** Model metadata keys the zoo writes (and any exporter may). */
export const META_VOCAB = 'blockscope.vocab'; // JSON array of strings, index = id, id 0 = "<unk>"
export const META_MAX_SEQ = 'blockscope.max_seq';

export interface InputOptions {
	/** Text for token models (a vocabulary in the metadata). Default DEFAULT_TEXT. */
	text?: string;
	/** Sequence length for seq-like dims; for token models the text is cycled/clipped to it. */
	seq?: number;
	seed?: number;
	/** Ids for the token input instead of text or random ids: numbers or a comma list "3,1,4". */
	ids?: readonly number[] | string;
	/** Tensors the caller already has (e.g. from .npy files): used as they are and fix their dims. */
	given?: Readonly<Record<string, CapturedTensor>>;
}

type Rule = 'batch' | 'past' | 'seq' | 'other' | 'feature';

// Name-based dim rules, checked in this order. Feature-like dims (hidden size, heads, channels,
// image sizes) must match the weights, so no default can be right: they are an error.
const DIM_RULES: [RegExp, Rule][] = [
	[/past|cache|prev/, 'past'],
	[/batch|^b$|^n$|^bs$/, 'batch'],
	[/seq|sequence|len|length|token|position|^s$|^t$|^time|step|^l$|^src$|^tgt$/, 'seq'],
	[/hidden|embed|model|^d$|^d_|dim|feature|channel|head|width|height|size|^c$|^h$|^w$|vocab/, 'feature']
];

export function dimRule(name: string): Rule {
	const n = name.toLowerCase();
	for (const [re, rule] of DIM_RULES) if (re.test(n)) return rule;
	return 'other';
}

/** The int input that carries token ids: named like ids/tokens, else the first integer input. */
export function tokenInput(graph: Graph): ValueInfo | null {
	const ints = graph.inputs.filter((i) => isInt(i.dtype) && !roleOf(i.name));
	return ints.find((i) => /ids|token/i.test(i.name)) ?? ints[0] ?? null;
}

/** The vocabulary from metadata, or null when the model has none (or it is not a JSON array). */
export function vocabOf(graph: Graph): string[] | null {
	const raw = graph.metadata.get(META_VOCAB);
	if (raw === undefined) return null;
	let v: unknown;
	try {
		v = JSON.parse(raw);
	} catch {
		throw new ModelError(`The model's metadata "${META_VOCAB}" is not valid JSON.`);
	}
	if (!Array.isArray(v) || !v.every((s) => typeof s === 'string'))
		throw new ModelError(`The model's metadata "${META_VOCAB}" must be a JSON array of strings.`);
	return v as string[];
}

export function maxSeqOf(graph: Graph): number | null {
	const raw = graph.metadata.get(META_MAX_SEQ);
	const n = raw === undefined ? NaN : Number(raw);
	return Number.isInteger(n) && n > 0 ? n : null;
}

/** Text -> ids, one per character; a character outside the vocabulary maps to 0 ("<unk>"). */
export function encodeText(text: string, vocab: readonly string[]): number[] {
	const index = new Map<string, number>();
	vocab.forEach((tok, id) => {
		if (!index.has(tok)) index.set(tok, id);
	});
	return Array.from(text, (ch) => index.get(ch) ?? 0);
}

export function defaultInputs(graph: Graph, opts: InputOptions = {}): Record<string, CapturedTensor> {
	const seed = opts.seed ?? DEFAULT_SEED;
	const given = opts.given ?? {};
	const bound = new Map<string, number>(); // dim_param -> size, shared by all inputs
	const bind = (v: ValueInfo, dims: number[]) =>
		v.dims?.forEach((d, k) => {
			if (typeof d === 'string' && dims[k] !== undefined && !bound.has(d)) bound.set(d, dims[k]);
		});
	for (const v of graph.inputs) if (given[v.name]) bind(v, given[v.name].dims);

	const out: Record<string, CapturedTensor> = {};
	// Token ids first: their length fixes the seq dim every other input shares.
	const tok = tokenInput(graph);
	if (tok && !given[tok.name]) {
		const ids = tokenIds(graph, tok, opts);
		if (ids) {
			const dims = shapeFor(tok, bound, opts, ids.length);
			const n = dims.reduce((a, b) => a * b, 1);
			const row = dims[dims.length - 1] ?? 1;
			// Every batch row holds the same ids; a fixed seq dim longer than the ids cycles them.
			const data = new BigInt64Array(n);
			for (let i = 0; i < n; i++) data[i] = BigInt(ids[(i % row) % ids.length]);
			out[tok.name] = { name: tok.name, dims, dtype: tok.dtype, data: cast(data, tok.dtype) };
			bind(tok, dims);
		}
	}
	for (const v of graph.inputs) {
		if (given[v.name]) {
			out[v.name] = given[v.name];
			continue;
		}
		if (out[v.name]) continue;
		const dims = shapeFor(v, bound, opts);
		bind(v, dims);
		out[v.name] = { name: v.name, dims, dtype: v.dtype, data: fill(v, dims, seed, vocabSizeOf(graph, v.name) ?? DEFAULT_ID_RANGE) };
	}
	// Keep the model's input order (the store shows inputs first, in this order).
	return Object.fromEntries(graph.inputs.map((v) => [v.name, out[v.name]]));
}

/** Axis labels for heatmaps: the characters for token models, else the ids, else positions. */
export function tokenLabels(graph: Graph, feeds: Readonly<Record<string, CapturedTensor>>): string[] {
	const tok = tokenInput(graph);
	const t = tok ? feeds[tok.name] : undefined;
	if (!t || t.dims.length === 0) {
		const first = graph.inputs.map((v) => feeds[v.name]).find((x) => x && x.dims.length >= 2);
		const n = first ? first.dims[1] : 0;
		return Array.from({ length: n }, (_, i) => String(i));
	}
	const seq = t.dims[t.dims.length - 1];
	const ids = Array.from({ length: seq }, (_, i) => Number(t.data[i])); // batch 0
	const vocab = vocabOf(graph);
	return ids.map((id) => (vocab && id >= 0 && id < vocab.length ? vocab[id] : String(id)));
}

function tokenIds(graph: Graph, tok: ValueInfo, opts: InputOptions): number[] | null {
	const maxSeq = maxSeqOf(graph);
	const clip = (ids: number[]) => (maxSeq !== null ? ids.slice(0, maxSeq) : ids);
	if (opts.ids !== undefined) {
		const ids = typeof opts.ids === 'string' ? parseIds(opts.ids) : [...opts.ids];
		if (ids.length === 0) throw new ModelError(`No ids given for input "${tok.name}".`);
		return clip(ids);
	}
	const vocab = vocabOf(graph);
	if (!vocab) return null; // random ids, shaped like any other int input
	let ids = encodeText(opts.text ?? DEFAULT_TEXT, vocab);
	if (ids.length === 0) throw new ModelError('The text is empty: type at least one character.');
	if (opts.seq !== undefined) ids = Array.from({ length: opts.seq }, (_, i) => ids[i % ids.length]);
	return clip(ids);
}

export function parseIds(s: string): number[] {
	const parts = s
		.split(',')
		.map((p) => p.trim())
		.filter((p) => p !== '');
	return parts.map((p) => {
		const n = Number(p);
		if (!Number.isInteger(n)) throw new ModelError(`"${p}" is not an integer id (expected a comma list like 3,1,4).`);
		return n;
	});
}

/**
 * Concrete dims for an input: fixed dims as declared, symbolic ones from what other inputs already
 * bound, else by name. `tokens` is the token count, used for the token input's last dim.
 */
function shapeFor(v: ValueInfo, bound: Map<string, number>, opts: InputOptions, tokens?: number): number[] {
	if (v.dims === null)
		throw new ModelError(
			`Input "${v.name}" has no declared shape, so no default can be built.`,
			'Give it as a file (--input NAME=FILE.npy).'
		);
	const dims = v.dims.map((d: Dim, k) => {
		if (typeof d === 'number' && d > 0) return d;
		if (typeof d === 'string' && bound.has(d)) return bound.get(d)!;
		if (tokens !== undefined && k === v.dims!.length - 1) return tokens;
		const rule = typeof d === 'string' ? dimRule(d) : rankRule(v.dims!.length, k);
		switch (rule) {
			case 'batch':
				return DEFAULT_BATCH;
			case 'seq':
				return opts.seq ?? DEFAULT_SEQ;
			case 'past':
				return DEFAULT_PAST;
			case 'other':
				return DEFAULT_OTHER;
			default:
				throw new ModelError(
					`Input "${v.name}" has dim ${k} ${typeof d === 'string' ? `"${d}"` : '(unnamed)'} with no sensible default (it must match the weights).`,
					'Give the input as a file (--input NAME=FILE.npy).'
				);
		}
	});
	checkInputSize(v.name, dims, v.dtype); // a broken declared shape fails here, with its numbers
	return dims;
}

/** Unnamed dynamic dims: [batch, seq, ...] is the transformer convention; deeper ones are unknown. */
function rankRule(rank: number, k: number): Rule {
	if (k === 0) return 'batch';
	if (k === 1 && rank <= 3) return 'seq';
	return 'feature';
}

/** Ids input -> its table in ORT's fused embedding ops: input_ids, segment_ids, position_ids (index 8). */
const EMBED_TABLES: Record<number, number> = { 0: 2, 1: 4, 8: 3 };

/** The first dim of the embedding table a Gather (or a fused embedding op) looks this input up in, if any. */
function vocabSizeOf(graph: Graph, input: string, hops = 0): number | null {
	for (const n of graph.consumersOf(input)) {
		// the ORT optimizer casts int64 ids to int32 before its fused ops
		if (n.opType === 'Cast' && hops < 2) {
			const v = vocabSizeOf(graph, n.outputs[0], hops + 1);
			if (v !== null) return v;
		}
		const fused = /^Q?EmbedLayerNormalization$/.test(n.opType) ? EMBED_TABLES[n.inputs.indexOf(input)] : undefined;
		if ((n.opType !== 'Gather' || n.inputs[1] !== input) && fused === undefined) continue;
		const table = graph.constantOf(n.inputs[fused ?? 0]);
		if (table && table.dims.length > 0) return Number(table.dims[0]);
	}
	if (hops) return null;
	const vocab = graph.metadata.has(META_VOCAB) ? vocabOf(graph) : null;
	return vocab ? vocab.length : null;
}
