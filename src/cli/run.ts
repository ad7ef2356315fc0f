// The inspect pipeline without printing: file -> graph -> inputs -> capture. The CLI prints what it
// returns; tests and the bench can call it directly.
import { readFile } from 'node:fs/promises';
import { Graph } from '../lib/onnx/graph.js';
import { readModel } from '../lib/onnx/read.js';
import { ortError } from '../lib/onnx/errors.js';
import { CaptureSession, type CaptureSet } from '../lib/runtime/capture.js';
import { defaultInputs, tokenLabels } from '../lib/runtime/inputs.js';
import { decodeNpy, NpyError } from '../lib/formats/npy.js';
import type { CapturedTensor, TensorStore } from '../lib/tensor/store.js';
import { readModelFile, fileError } from '../lib/runtime/node/model-file.js';
import { externalDataLocations, loadExternalData } from '../lib/runtime/node/external.js';
import { loadOrt } from '../lib/runtime/node/ort.js';
import { recognize, type Recognition } from './recognition.js';
import { UsageError } from './errors.js';

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
}

export async function inspectModel(opts: InspectOptions): Promise<InspectResult> {
	const t0 = performance.now();
	const model = await readModelFile(opts.model);
	const graph = new Graph(readModel(model.buffer.subarray(0, model.length)));
	const capture = opts.capture ?? 'all';
	const recognition = recognize(graph);
	if (capture === 'semantic' && !recognition.semantic)
		throw new UsageError(`--capture semantic: ${recognition.json.unrecognized[0].why}; use --capture all`);

	const given: Record<string, CapturedTensor> = {};
	for (const { name, file } of opts.inputs ?? []) given[name] = await readInputFile(graph, name, file);
	const feeds = defaultInputs(graph, { text: opts.text, ids: opts.ids, seq: opts.seq, seed: opts.seed, given });

	const ort = await loadOrt({ threads: opts.threads, verbose: opts.verbose });
	const externalData = externalDataLocations(graph);
	const files = externalData.length ? await loadExternalData(opts.model, graph, { modelBytes: model.length }) : [];
	let session: CaptureSession;
	try {
		session = await CaptureSession.create(ort, model, graph, {
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
		tokens: tokenLabels(graph, feeds),
		store,
		recognition,
		ms: { load: t1 - t0, run: t2 - t1 }
	};
}

/** A `--input` file, checked against the model's declaration of that input. */
async function readInputFile(graph: Graph, name: string, file: string): Promise<CapturedTensor> {
	const decl = graph.inputs.find((i) => i.name === name);
	if (!decl)
		throw new UsageError(`--input ${name}: the model has no input "${name}" (inputs: ${graph.inputs.map((i) => i.name).join(', ') || 'none'})`);
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
		const bad =
			decl.dims.length !== arr.dims.length ||
			decl.dims.some((d, k) => typeof d === 'number' && d > 0 && d !== arr.dims[k]);
		if (bad)
			throw new UsageError(
				`--input ${name}: the model expects shape [${decl.dims.map((d) => d ?? '?').join(', ')}], ${file} has [${arr.dims.join(', ')}]`
			);
	}
	return { name, dims: arr.dims, dtype: decl.dtype, data: arr.data };
}
