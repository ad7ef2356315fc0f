// Sessions that expose intermediates and collect them into a TensorStore. Environment-agnostic:
// the caller passes the onnxruntime-web module it loaded (Node build, or the WebGPU bundle).
import type * as Ort from 'onnxruntime-web';
import type { Graph } from '../onnx/graph.js';
import { allIntermediates, exposeOutputs, type ModelBuffer } from '../onnx/rewrite.js';
import { externalizeWeights } from '../onnx/externalize.js';
import type { DType } from '../onnx/dtype.js';
import { TensorStore, type CapturedTensor, type TensorData } from '../tensor/store.js';

export type OrtModule = typeof Ort;
export type Backend = 'wasm' | 'webgpu';
/** none: the plain model; semantic: the tensors the debugger names; all: every node output. */
export type CaptureSet = 'none' | 'semantic' | 'all';

export interface CaptureOptions {
	backend: Backend;
	captureSet: CaptureSet;
	/** For "semantic": the tensor names to expose (from the analysis). */
	semantic?: readonly string[];
	/** Passed through to ORT, e.g. `externalData` for weights kept in a separate file. */
	sessionOptions?: Ort.InferenceSession.SessionOptions;
	/**
	 * Let ORT keep a second, pre-packed copy of the MatMul weights (default true): ~4% faster at
	 * GPT-2 seq 128, ~0% at 512, and ~0.25 GiB more for GPT-2 small. Off when memory is tight.
	 */
	prepack?: boolean;
	/** Pass the weights as external data pointing into the model bytes (default true; see externalize.ts). */
	externalize?: boolean;
	/**
	 * Graph outputs to leave out of the model ORT gets (selective capture's skipped logits: ORT
	 * then frees them once used instead of holding them for the whole run). Needs `externalize`.
	 */
	skipOutputs?: readonly string[];
	/**
	 * A last rewrite of the bytes ORT parses (interventions: intervene/wire.ts). It gets the
	 * externalized model when there is one, so it copies no weights.
	 */
	edit?: (model: Uint8Array) => Uint8Array;
}

/** The name the model's own bytes are mounted under when its weights are passed as external data. */
export const INLINE_WEIGHTS = '__blockscope_model_bytes__.bin';

export function captureNames(graph: Graph, opts: Pick<CaptureOptions, 'captureSet' | 'semantic'>): string[] {
	if (opts.captureSet === 'none') return [];
	if (opts.captureSet === 'all') return allIntermediates(graph);
	const have = new Set(graph.outputs.map((o) => o.name));
	const known = new Set(graph.nodes.flatMap((n) => n.outputs));
	// A name that no node produces is fatal to ORT: keep only real node outputs.
	return [...new Set(opts.semantic ?? [])].filter((n) => known.has(n) && !have.has(n));
}

// One WASM instance runs one call at a time: onnxruntime-web's run and create keep state on the
// instance's stack and in one table of mounted external-data files (cleared whenever a session has
// been created) across awaits, so a create interleaved with another create or run reads the other's
// weights or fails ("operation does not support unaligned accesses"). Calls are queued per module.
const queues = new WeakMap<object, Promise<void>>();
function oneAtATime<T>(ort: OrtModule, f: () => Promise<T>): Promise<T> {
	const next = (queues.get(ort) ?? Promise.resolve()).then(f);
	// The queue holds no result (a run's outputs can be a GiB): only when the call is done.
	queues.set(
		ort,
		next.then(
			() => undefined,
			() => undefined
		)
	);
	return next;
}

export class CaptureSession {
	private constructor(
		readonly ort: OrtModule,
		readonly session: Ort.InferenceSession,
		readonly graph: Graph,
		readonly backend: Backend,
		readonly captureSet: CaptureSet,
		readonly exposed: readonly string[]
	) {}

	/** One EP per session: the caller decides about fallback and tells the user. */
	static async create(ort: OrtModule, model: ModelBuffer, graph: Graph, opts: CaptureOptions): Promise<CaptureSession> {
		const exposed = captureNames(graph, opts);
		const bytes = exposeOutputs(model, exposed);
		// One copy of the weights in ORT's heap instead of three (externalize.ts); the offsets index `bytes`.
		// Leaving out outputs needs another output to remain (the exposed ones).
		const skip = new Set(exposed.length ? (opts.skipOutputs ?? []) : []);
		const ext = opts.externalize === false ? null : externalizeWeights(bytes, INLINE_WEIGHTS, undefined, skip);
		const so = opts.sessionOptions;
		const externalData = ext ? [...(so?.externalData ?? []), { path: INLINE_WEIGHTS, data: bytes }] : so?.externalData;
		const extra =
			opts.prepack === false ? { ...so?.extra, session: { ...(so?.extra?.session as object), disable_prepacking: '1' } } : so?.extra;
		const session = await oneAtATime(ort, () =>
			ort.InferenceSession.create(opts.edit ? opts.edit(ext ? ext.model : bytes) : ext ? ext.model : bytes, {
				...so,
				...(externalData ? { externalData } : {}),
				...(extra ? { extra } : {}),
				executionProviders: [opts.backend],
				graphOptimizationLevel: 'all'
			})
		);
		return new CaptureSession(ort, session, graph, opts.backend, opts.captureSet, exposed);
	}

	/**
	 * Run once; returns every graph output and exposed tensor, in graph order, inputs first.
	 * `fetches`: only these outputs (selective capture, plan.ts): ORT hands back just those.
	 */
	async run(feeds: Record<string, CapturedTensor>, fetches?: readonly string[] | null): Promise<TensorStore> {
		const ortFeeds: Record<string, Ort.Tensor> = {};
		for (const [name, t] of Object.entries(feeds))
			ortFeeds[name] = new this.ort.Tensor(t.dtype as Ort.Tensor.Type, t.data as Ort.Tensor.DataType, t.dims);
		const results = await oneAtATime(this.ort, () => (fetches ? this.session.run(ortFeeds, fetches) : this.session.run(ortFeeds)));
		const store = new TensorStore();
		for (const t of Object.values(feeds)) store.add(t);
		const produced = new Map<string, Ort.Tensor>(Object.entries(results));
		// Graph order: node by node, each node's outputs in order.
		for (const n of this.graph.nodes)
			for (const o of n.outputs) {
				const r = produced.get(o);
				if (r) store.add(fromOrt(o, r));
			}
		for (const [name, r] of produced) if (!store.has(name)) store.add(fromOrt(name, r));
		return store;
	}

	async release(): Promise<void> {
		await oneAtATime(this.ort, () => this.session.release());
	}
}

function fromOrt(name: string, t: Ort.Tensor): CapturedTensor {
	// ORT's WASM backend already copied the output out of its heap; we keep that one copy.
	// WebGPU tensors are downloaded here (location 'cpu' is the default for outputs).
	return { name, dims: [...t.dims], dtype: t.type as DType, data: t.data as TensorData };
}
