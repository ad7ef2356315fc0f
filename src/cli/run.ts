// The inspect pipeline without printing: file -> graph -> inputs -> capture. The CLI prints what it
// returns; tests and the bench can call it directly.
import { readFile } from 'node:fs/promises';
import { Graph } from '../lib/onnx/graph.js';
import { readModel } from '../lib/onnx/read.js';
import { ortError } from '../lib/onnx/errors.js';
import { CaptureSession, type CaptureSet } from '../lib/runtime/capture.js';
import { captureGraph } from '../lib/runtime/branch.js';
import { applyHints, toInspectJson } from '../lib/analysis/index.js';
import { decodeNpy, NpyError } from '../lib/formats/npy.js';
import type { CapturedTensor, TensorStore } from '../lib/tensor/store.js';
import { readModelFile, fileError } from '../lib/runtime/node/model-file.js';
import { externalDataLocations, loadExternalData } from '../lib/runtime/node/external.js';
import { loadOrt } from '../lib/runtime/node/ort.js';
import { deriveTensors } from '../lib/derive/index.js';
import { recognize, type Recognition } from './recognition.js';
import type { Structure } from '../lib/analysis/types.js';
import { UsageError } from './errors.js';
import { folderModelInfo, resolveSource, sourceFeeds, type ModelSource } from './source.js';

export interface InspectOptions {
	model: string;
	inputs?: { name: string; file: string }[];
	text?: string;
	ids?: string;
	seq?: number;
	seed?: number;
	capture?: CaptureSet;
	threads?: number;
	verbose?: boolean;
	/** A model folder's variant (PATH is a folder). */
	variant?: string;
	tokenizer?: string;
	/** Interventions: from this run's graph and structure, a last rewrite of the bytes ORT parses (cli/what-if.ts). */
	edit?: (graph: Graph, structure: Structure | null) => (bytes: Uint8Array) => Uint8Array;
}

export interface InspectResult {
	path: string;
	bytes: number;
	graph: Graph;
	backend: 'wasm';
	threads: number;
	capture: CaptureSet;
	exposed: readonly string[];
	externalData: string[];
	feeds: Record<string, CapturedTensor>;
	tokens: string[];
	store: TensorStore;
	recognition: Recognition;
	ms: { load: number; run: number };
	/** Ids per position of the token input (null without one). */
	tokenIds: number[] | null;
	/** model_info fields from the folder, tokenizer, caches and merged-decoder handling. */
	modelInfo: Record<string, unknown>;
	/** Per position: a special token (<s>, [CLS] ...). */
	special: boolean[];
	/** The folder's variant, the tokenizer and config.json the run used. */
	source: ModelSource;
}

export async function inspectModel(opts: InspectOptions): Promise<InspectResult> {
	const t0 = performance.now();
	const src = await resolveSource(opts.model, { variant: opts.variant, tokenizer: opts.tokenizer });
	const model = await readModelFile(src.modelPath);
	const original = new Graph(readModel(model.buffer.subarray(0, model.length)));
	const capture = opts.capture ?? 'all';

	const given: Record<string, CapturedTensor> = {};
	for (const { name, file } of opts.inputs ?? []) given[name] = await readInputFile(original, name, file);
	const sf = sourceFeeds(original, src, { text: opts.text, ids: opts.ids, seq: opts.seq, seed: opts.seed, given });
	const feeds = sf.feeds;
	// A merged decoder whose inputs pick a branch is captured with that branch inlined.
	const cap = captureGraph(original.model, model, sf.branch);
	const graph = cap.graph;
	const recognition = recognize(graph);
	if (src.hints && recognition.structure) {
		applyHints(recognition.structure, src.hints);
		recognition.json = toInspectJson(recognition.structure);
	}
	recognition.json.unrecognized.push(...cap.opaque);
	if (capture === 'semantic' && !recognition.semantic)
		throw new UsageError(`--capture semantic: ${recognition.json.unrecognized[0].why}; use --capture all`);

	const ort = await loadOrt({ threads: opts.threads, verbose: opts.verbose });
	const externalData = externalDataLocations(original);
	const files = [
		...(externalData.length ? await loadExternalData(src.modelPath, original, { modelBytes: model.length }) : []),
		...cap.externalData
	];
	const edit = opts.edit?.(graph, recognition.structure);
	let session: CaptureSession;
	try {
		session = await CaptureSession.create(ort, cap.model, graph, {
			edit,
			backend: 'wasm',
			captureSet: capture,
			semantic: recognition.semantic ?? undefined,
			// ORT logs warnings (e.g. about old opsets) straight to stderr; only --debug shows them.
			sessionOptions: { logSeverityLevel: opts.verbose ? 2 : 3, ...(files.length ? { externalData: files } : {}) }
		});
	} catch (e) {
		throw ortError('load', e);
	}
	const t1 = performance.now();
	let store: TensorStore;
	try {
		store = await session.run(feeds);
		deriveTensors(graph, recognition.structure, store); // fused attention patterns, hidden Skip sums
	} catch (e) {
		throw ortError('run', e);
	} finally {
		await session.release();
	}
	const t2 = performance.now();
	return {
		path: opts.model,
		bytes: model.length,
		graph,
		backend: 'wasm',
		threads: ort.env.wasm.numThreads ?? 1,
		capture,
		exposed: session.exposed,
		externalData,
		feeds,
		tokens: sf.tokens,
		tokenIds: sf.tokenIds,
		modelInfo: folderModelInfo(original, src, sf, cap),
		special: sf.special,
		source: src,
		store,
		recognition,
		ms: { load: t1 - t0, run: t2 - t1 }
	};
}

/** A `--input` file, checked against the model's declaration of that input. */
async function readInputFile(graph: Graph, name: string, file: string): Promise<CapturedTensor> {
	const decl = graph.inputs.find((i) => i.name === name);
	if (!decl)
		throw new UsageError(
			`--input ${name}: the model has no input "${name}" (inputs: ${graph.inputs.map((i) => i.name).join(', ') || 'none'})`
		);
	const bytes = await readFile(file).catch((e: NodeJS.ErrnoException) => {
		throw fileError(file, e);
	});
	let arr;
	try {
		arr = decodeNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
	} catch (e) {
		if (e instanceof NpyError) throw new UsageError(`--input ${name}: ${file}: ${e.message}`);
		throw e;
	}
	if (arr.dtype !== decl.dtype && !(decl.dtype === 'bool' && arr.dtype === 'uint8'))
		throw new UsageError(`--input ${name}: the model expects ${decl.dtype}, ${file} holds ${arr.dtype}`);
	if (decl.dims) {
		const bad = decl.dims.length !== arr.dims.length || decl.dims.some((d, k) => typeof d === 'number' && d > 0 && d !== arr.dims[k]);
		if (bad)
			throw new UsageError(
				`--input ${name}: the model expects shape [${decl.dims.map((d) => d ?? '?').join(', ')}], ${file} has [${arr.dims.join(', ')}]`
			);
	}
	return { name, dims: arr.dims, dtype: decl.dtype, data: arr.data };
}
