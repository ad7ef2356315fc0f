// What `inspect PATH` opens when PATH is a model folder (or a model with a tokenizer beside it):
// the variant, its tokenizer and config.json hints, and the feeds and token labels built from them.
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { openFolder, weightSummary, type ModelFolder } from '../lib/model-folder/index.js';
import { listFolder, isDirectory } from '../lib/runtime/node/folder.js';
import { fileError } from '../lib/runtime/node/model-file.js';
import { loadTokenizer, type TextTokenizer } from '../lib/tokenizer/index.js';
import { parseConfig, type ConfigHints } from '../lib/analysis/hints.js';
import { presentOutputs } from '../lib/runtime/kv-cache.js';
import { textFeeds, type TextFeeds } from '../lib/runtime/text-feeds.js';
import type { InputOptions } from '../lib/runtime/inputs.js';
import type { Graph } from '../lib/onnx/graph.js';
import type { CaptureGraph } from '../lib/runtime/branch.js';
import { UsageError } from './errors.js';

export interface ModelSource {
	/** The .onnx file to read. */
	modelPath: string;
	folder: Pick<ModelFolder, 'variants' | 'variant'> | null;
	tokenizer: TextTokenizer | null;
	hints: ConfigHints | null;
	configFile: string | null;
}

export interface SourceOptions {
	variant?: string;
	tokenizer?: string;
}

export async function resolveSource(path: string, opts: SourceOptions = {}): Promise<ModelSource> {
	if (await isDirectory(path)) {
		const f = openFolder(await listFolder(path), opts.variant);
		const tok = opts.tokenizer ?? (f.tokenizer ? join(path, f.tokenizer.path) : null);
		const tokConfig = !opts.tokenizer && f.tokenizerConfig ? join(path, f.tokenizerConfig.path) : null;
		const config = f.config ? join(path, f.config.path) : null;
		return {
			modelPath: join(path, f.variant.path),
			folder: { variants: f.variants, variant: f.variant },
			tokenizer: tok ? await readTokenizer(tok, tokConfig) : null,
			hints: config ? parseConfig(await text(config)) : null,
			configFile: config
		};
	}
	if (opts.variant) throw new UsageError('--variant chooses a model inside a folder: give the folder (inspect DIR --variant NAME)');
	// A lone model file: a tokenizer.json / config.json beside it, or one folder up (onnx/model.onnx).
	const dir = dirname(path);
	const near = async (name: string) => {
		for (const d of [dir, dirname(dir)]) if (await exists(join(d, name))) return join(d, name);
		return null;
	};
	const tok = opts.tokenizer ?? (await near('tokenizer.json'));
	const config = await near('config.json');
	return {
		modelPath: path,
		folder: null,
		tokenizer: tok ? await readTokenizer(tok, opts.tokenizer ? null : await near('tokenizer_config.json')) : null,
		hints: config ? parseConfig(await text(config)) : null,
		configFile: config
	};
}

async function exists(p: string): Promise<boolean> {
	return readFile(p).then(
		() => true,
		() => false
	);
}

async function text(p: string): Promise<string> {
	return readFile(p, 'utf8').catch((e: NodeJS.ErrnoException) => {
		throw fileError(p, e);
	});
}

async function readTokenizer(file: string, config: string | null): Promise<TextTokenizer> {
	return loadTokenizer(await text(file), config ? await text(config) : null, basename(file));
}

/** Feeds with --text tokenized by the source's tokenizer (runtime/text-feeds.ts, shared with the page). */
export function sourceFeeds(graph: Graph, src: ModelSource, opts: InputOptions): TextFeeds {
	return textFeeds(graph, src.tokenizer, src.hints, opts);
}

/** `model_info` fields of a folder / tokenizer / cache run (the JSON contract: added, never renamed). */
export function folderModelInfo(graph: Graph, src: ModelSource, feeds: TextFeeds, cap: CaptureGraph): Record<string, unknown> {
	return {
		kv_cache_inputs: feeds.cache.map((c) => c.name),
		kv_cache_outputs: presentOutputs(graph).map((p) => p.name),
		merged_decoder:
			graph.model.graph!.node.some((n) => n.opType === 'If' && n.input.some((i) => /use_cache_branch/i.test(i))) || cap.inlined !== null,
		captured_graph: cap.status,
		input_sources: feeds.sources,
		config: src.hints,
		tokenizer: src.tokenizer ? { file: src.tokenizer.file, type: src.tokenizer.type } : null,
		variant: src.folder ? src.folder.variant.name : null,
		variants: src.folder ? src.folder.variants.map((v) => ({ name: v.name, path: v.path, size: v.size, name_dtype: v.nameDtype })) : null,
		weights: weightSummary(graph).label
	};
}
