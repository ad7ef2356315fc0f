// What the worker opens: a zoo URL, one file, or a model folder (a picked directory, a dropped
// folder, or several files picked at once). The page sends a folder's files as Blobs (cloned by
// reference, nothing read yet); here the variant is chosen, its tokenizer.json / config.json read,
// and only the external data files the model names are read. The CLI opens folders the same way
// (src/cli/source.ts), so both pick the same variant, tokenizer and hints.
import {
	ModelError,
	checkExternalSizes,
	externalDataLocations,
	externalRefs,
	locationFileName,
	missingExternalError,
	type Graph
} from '../onnx/index.js';
import { externalFiles, openFolder, type FolderFile, type ModelFolder } from '../model-folder/index.js';
import { loadTokenizer, type TextTokenizer } from '../tokenizer/index.js';
import { parseConfig, type ConfigHints } from '../analysis/index.js';
import { matchExternal } from './external.js';
import type { ByteSource, FolderInfo, ModelSource } from './protocol.js';

export interface OpenedSource {
	model: ByteSource;
	tokenizer: TextTokenizer | null;
	hints: ConfigHints | null;
	folder: FolderInfo | null;
	/** The external data `graph` names, as ORT takes it; a missing file is named. */
	external(graph: Graph): Promise<{ path: string; data: Uint8Array }[]>;
}

type BlobFile = FolderFile & { blob: Blob };

export async function openSource(src: ModelSource): Promise<OpenedSource> {
	if (src.kind !== 'folder') {
		const extra = src.kind === 'file' ? (src.extra ?? []) : [];
		return {
			model: src,
			tokenizer: null,
			hints: null,
			folder: null,
			external: async (graph) => matchExternal(graph, src.name, extra)
		};
	}
	const { folder: f, blob, name } = pickFolder(src);
	const tokenizer = f.tokenizer ? await readTokenizer(f.tokenizer, f.tokenizerConfig) : null;
	const hints = f.config ? parseConfig(await text(f.config)) : null;
	return {
		model: { kind: 'file', file: blob, name },
		tokenizer,
		hints,
		folder: {
			variant: f.variant.name,
			variants: f.variants.map((v) => ({ name: v.name, path: v.path, size: v.size, nameDtype: v.nameDtype })),
			tokenizer: tokenizer ? { file: f.tokenizer!.path, type: tokenizer.type } : null,
			config: hints,
			configFile: f.config?.path ?? null
		},
		external: (graph) => (src.flat ? byName(graph, name, f.files) : byPath(graph, f))
	};
}

export interface PickedFolder {
	folder: ModelFolder;
	/** The variant's file, and its name as messages and the page show it ("gpt2/onnx/model.onnx"). */
	blob: Blob;
	name: string;
	/** Bytes of the files that look like its external data, for refusing a model over the budget before reading it. */
	sideBytes: number;
}

/** The variant to open and its companions, from names and sizes alone (nothing is read). */
export function pickFolder(src: Extract<ModelSource, { kind: 'folder' }>): PickedFolder {
	// The Blob rides along (openFolder copies entries with their fields), so the model streams from disk.
	const files: BlobFile[] = src.files.map((e) => ({
		path: e.path,
		size: e.file.size,
		blob: e.file,
		read: async () => new Uint8Array(await e.file.arrayBuffer())
	}));
	const folder = pick(files, src.variant ?? null, src.flat);
	const name = src.flat ? folder.variant.path : `${src.name}/${folder.variant.path}`;
	// Picked side by side: every other data file; in a folder: model.onnx_data, model.onnx.data ...
	const side = (x: FolderFile) =>
		src.flat ? !/\.(onnx|json|txt|md)$/i.test(x.path) : x.path.startsWith(folder.variant.path) && x.path !== folder.variant.path;
	const sideBytes = folder.files.filter(side).reduce((n, x) => n + x.size, 0);
	return { folder, blob: (folder.variant.file as BlobFile).blob, name, sideBytes };
}

/**
 * The folder's default variant, or the one asked for. Several unrelated files picked at once have
 * no default: the first .onnx picked opens (as a single pick always did), the others are listed.
 */
function pick(files: FolderFile[], variant: string | null, flat: boolean): ModelFolder {
	try {
		return openFolder(files, variant);
	} catch (e) {
		const first = flat && !variant ? files.find((x) => /\.onnx$/i.test(x.path)) : undefined;
		if (!first || !(e instanceof ModelError)) throw e;
		return openFolder(files, first.path);
	}
}

async function text(f: FolderFile): Promise<string> {
	return new TextDecoder().decode(await f.read());
}

async function readTokenizer(tok: FolderFile, config: FolderFile | null): Promise<TextTokenizer> {
	return loadTokenizer(await text(tok), config ? await text(config) : null, tok.path);
}

/** A directory: external data by its path relative to the model (several files allowed). */
async function byPath(graph: Graph, f: ModelFolder): Promise<{ path: string; data: Uint8Array }[]> {
	const found = externalFiles(f, graph);
	return Promise.all(found.map(async (x) => ({ path: x.location, data: await x.file.read() })));
}

/** Files picked side by side: external data by file name (a location's folders cannot be picked). */
async function byName(graph: Graph, modelName: string, files: readonly FolderFile[]): Promise<{ path: string; data: Uint8Array }[]> {
	const refs = externalRefs(graph);
	if (!refs.length) return [];
	const locations = externalDataLocations(graph);
	const find = (loc: string) => files.find((x) => locationFileName(x.path) === locationFileName(loc));
	const missing = locations.filter((loc) => !find(loc));
	if (missing.length) throw missingExternalError(modelName, missing, 'page');
	checkExternalSizes(refs, new Map(locations.map((loc) => [loc, find(loc)!.size])));
	return Promise.all(locations.map(async (loc) => ({ path: loc, data: await find(loc)!.read() })));
}
