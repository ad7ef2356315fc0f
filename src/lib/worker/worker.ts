/// <reference lib="webworker" />
// The runtime worker: fetch -> read -> session -> run -> captured tensors, off the main thread so
// the page never freezes. It keeps the session for re-runs, and the names and dims of the last run
// so recognition can be redone with the user's overrides. A large model's bytes are let go of once
// its session exists (ORT has its own copy) and read again only when a new session is needed.
import * as ort from 'onnxruntime-web/webgpu';
import { ModelError, ortError, ortReason } from '../onnx/index.js';
import { CaptureSession, DEFAULT_BROWSER_BUDGET, choosePlan, narrow, sessionFetches, textFeeds, type Backend } from '../runtime/index.js';
import type { CapturedTensor } from '../tensor/index.js';
import { summarize } from '../report/index.js';
import { cpuNodesNote, fallbackReason, label, plan, webgpuUnavailable } from './ep.js';
import { webgpuLacks } from './webgpu-ops.js';
import { bytesOf, freeBytes, letGo } from './model-bytes.js';
import { structureInfo, tryAnalyze } from './structure.js';
import { captureInfo, captureOptions, deriveSafely, healthOf, modelSummary, transferable } from './run-info.js';
import { fedInputs, prepare } from './prepare.js';
import type { InputOptions, OpenRequest, ResultMessage, Stage, WorkerMessage, WorkerRequest } from './protocol.js';
import { editedSession, readouts } from './what-if.js';
import type { Open } from './open-model.js';
import { headRef, longFeeds, takeSummaries } from './long.js';

declare const self: DedicatedWorkerGlobalScope;

/** Byte progress of a (re-)read, as the page shows it. */
const reading = (id: number) => (message: string, loaded: number, total: number | null) => progress(id, 'fetch', message, loaded, total);

let current: Open | null = null;
let configured = false;
let sessions = 0;
/** The newest run request received: an older one still queued is skipped (layers stepped quickly). */
let newestRun = 0;
// Requests are handled one at a time, in order (a re-run must not race a model being opened).
let queue: Promise<void> = Promise.resolve();

self.onmessage = (ev: MessageEvent<WorkerRequest>) => {
	const req = ev.data;
	if (req.type === 'run') newestRun = Math.max(newestRun, req.id);
	queue = queue.then(() => handle(req));
};

async function handle(req: WorkerRequest): Promise<void> {
	const t0 = performance.now();
	try {
		if (req.type === 'open') {
			let opened = await open(req);
			try {
				await run(req.id, opened, req.input, performance.now() - t0);
			} catch (e) {
				// Some failures only show when WebGPU runs the graph: in auto mode, WASM gets a turn.
				if (req.backend !== 'auto' || opened.session.backend !== 'webgpu') throw e;
				await opened.session.release().catch(() => undefined);
				progress(req.id, 'session', 'creating session on WASM');
				const bytes = await bytesOf(opened, reading(req.id));
				const session = await CaptureSession.create(ort, bytes, opened.graph, {
					...captureOptions(opened.plan, 'wasm', opened.sessionOptions),
					...(opened.whatIf ? { edit: opened.whatIf.edit } : {})
				}).catch((err: unknown) => {
					throw ortError('load', err);
				});
				if (bytes !== opened.buffer) freeBytes(bytes);
				opened = current = { ...opened, session, sessionNo: ++sessions, fallback: `running on WebGPU failed: ${ortReason(e)}` };
				await run(req.id, opened, req.input, performance.now() - t0);
			}
		} else if (req.type === 'run') {
			if (!current) throw new Error('No model is open.');
			if (req.id < newestRun) throw new Error('Superseded by a newer run.');
			if (req.layer !== undefined) current.layer = req.layer;
			if (req.head !== undefined) current.head = req.head;
			await run(req.id, current, req.input, 0);
		} else {
			if (!current) throw new Error('No model is open.');
			const o = current;
			const { structure, error } = tryAnalyze(o.graph, req.overrides, o.hints, o.opaque);
			o.structure = structure;
			o.analysisError = error;
			o.overrides = [...req.overrides];
			const info = structureInfo(o.graph, structure, error, o.dims, o.names, o.overrides);
			if (o.headRef) info.attention = [...info.attention, o.headRef];
			post({ type: 'structure', id: req.id, structure: info });
		}
	} catch (e) {
		const hint = e instanceof ModelError ? e.hint : undefined;
		post({ type: 'error', id: req.id, message: e instanceof Error ? e.message : String(e), hint });
	}
}

function progress(id: number, stage: Stage, message: string, loaded?: number, total?: number | null): void {
	post({ type: 'progress', id, stage, message, loaded, total });
}

function post(msg: WorkerMessage, transfer: Transferable[] = []): void {
	self.postMessage(msg, transfer);
}

function configure(ortBase: string): void {
	if (configured) return; // ORT reads these once, when its WASM module first loads
	configured = true;
	ort.env.wasm.wasmPaths = ortBase;
	ort.env.wasm.proxy = false; // this is already a worker
	// Threads need SharedArrayBuffer, which needs cross-origin isolation (COOP/COEP headers).
	ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1)) : 1;
}

async function open(req: OpenRequest): Promise<Open> {
	configure(req.ortBase);
	if (current) {
		const old = current;
		current = null;
		await old.session.release().catch(() => undefined);
	}
	const p = await prepare(req.source, req.input, reading(req.id), (m) => progress(req.id, 'read', m));
	const { buf, graph, structure, analysisError } = p;
	const src = p.opened.model;
	const sessionBytes = p.cap.model;
	const sessionOptions = p.external.length ? { externalData: p.external } : undefined;
	if (req.captureSet === 'semantic' && !structure)
		throw new Error(`The "semantic" capture needs recognition, which failed: ${analysisError}`);
	// What capturing this set would take for these inputs; over the budget, one layer at a time.
	const budget = req.budget ?? DEFAULT_BROWSER_BUDGET;
	const modelBytes = buf.length + p.externalBytes;
	const capture = choosePlan({ graph, structure, feeds: p.feedDims, captureSet: req.captureSet, budget, modelBytes });

	const first = await firstSession(req, webgpuLacks(graph), (backend) =>
		CaptureSession.create(ort, sessionBytes, graph, captureOptions(capture, backend, sessionOptions))
	);
	let session = first.session;
	const fallback = first.fallback;
	let whatIf: Open['whatIf'];
	if (req.whatIf) {
		if (capture.mode !== 'full') throw new Error('Interventions need a full capture; this model and input are over the memory budget.');
		const w = req.whatIf;
		progress(req.id, 'session', `rewriting the graph for ${w.interventions.length} intervention(s)`);
		const feedsOf = (i: InputOptions) => textFeeds(p.original, p.opened.tokenizer, p.opened.hints, i).feeds;
		const edited = await editedSession(
			ort,
			session,
			sessionBytes,
			graph,
			structure,
			captureOptions(capture, session.backend as Backend, sessionOptions),
			feedsOf(req.input),
			w.source ? feedsOf(w.source) : null,
			w
		);
		session = edited.session;
		whatIf = { req: w, list: edited.list, edit: edited.edit };
	}
	const model = modelSummary(src.name, buf.length, p.original);
	const o = p.opened;
	current = {
		session,
		buffer: sessionBytes,
		source: src,
		graph,
		original: p.original,
		keep: p.cap.inlined !== null,
		tokenizer: o.tokenizer,
		hints: o.hints,
		folder: o.folder,
		capturedGraph: p.cap.status,
		opaque: p.cap.opaque,
		model,
		fallback,
		structure,
		analysisError,
		overrides: [],
		sessionOptions,
		dims: new Map(),
		names: [],
		plan: capture,
		layer: req.layer ?? 0,
		head: req.head ?? 0,
		sessionNo: ++sessions,
		budget,
		modelBytes,
		whatIf
	};
	letGo(current);
	return current;
}

/** The session on the backend asked for; in auto mode WebGPU first, then WASM with the reason. */
async function firstSession(
	req: OpenRequest,
	lacking: ReturnType<typeof webgpuLacks>,
	create: (b: Backend) => Promise<CaptureSession>
): Promise<{ session: CaptureSession; fallback: string | null }> {
	const noGpu = req.backend === 'wasm' ? null : await webgpuUnavailable(navigator as unknown as Parameters<typeof webgpuUnavailable>[0]);
	if (req.backend === 'webgpu' && noGpu) throw new Error(`WebGPU was requested (?backend=webgpu), but ${noGpu}.`);
	let fallback: string | null = null;
	for (const attempt of plan(req.backend, noGpu, lacking)) {
		fallback = attempt.reason ?? fallback;
		progress(req.id, 'session', `creating session on ${label(attempt.backend)}`);
		try {
			const session = await create(attempt.backend);
			return { session, fallback: attempt.backend === 'webgpu' ? cpuNodesNote(lacking) : fallback };
		} catch (e) {
			// onnxruntime's own words, without its error codes and C++ internals (as the CLI says them).
			if (req.backend !== 'auto' || attempt.backend === 'wasm') throw ortError('load', e);
			fallback = fallbackReason(attempt.backend, e);
		}
	}
	throw new Error('No execution provider could create a session.');
}

async function run(id: number, o: Open, input: InputOptions, sessionMs: number): Promise<void> {
	const fed = textFeeds(o.original, o.tokenizer, o.hints, input);
	sessionMs += await replan(id, o, fed.feeds);
	const feeds = { ...fed.feeds, ...longFeeds(o.plan, o.layer, o.head) };
	progress(id, 'run', `running on ${label(o.session.backend)}`);
	const t0 = performance.now();
	const ran = await o.session.run(feeds, sessionFetches(o.plan, o.graph, o.layer, o.session.exposed)).catch((e: unknown) => {
		throw ortError('run', e);
	});
	const runMs = performance.now() - t0;
	const long = takeSummaries(ran, o.plan, o, sessionMs > 0 ? 'open' : 'rerun', runMs);
	const store = long.store;
	const derived = deriveSafely(o.graph, o.structure, store);
	progress(id, 'collect', `collecting ${store.size} tensors`);
	o.names = [...store.order];
	o.dims = new Map(o.names.map((n) => [n, { dims: store.get(n)!.dims }]));
	const structure = structureInfo(o.graph, o.structure, o.analysisError, store, o.names, o.overrides);
	const summaries = o.names.map((n) => summarize(store.get(n)!));
	const checked = healthOf(
		o.graph,
		o.structure,
		store,
		o.plan.mode !== 'full' ? o.plan.captureSet : o.session.captureSet,
		o.session.exposed
	);
	const whatIf = o.whatIf ? readouts(o.graph, o.structure, store, o.whatIf.req, o.whatIf.list) : undefined;
	const { tensors, transfer } = transferable(store);
	o.headRef = long.long ? headRef(long.long, o.structure) : undefined;
	if (o.headRef) structure.attention = [...structure.attention, o.headRef];
	const msg: ResultMessage = {
		type: 'result',
		id,
		backend: o.session.backend as Backend,
		fallback: o.fallback,
		captureSet: o.plan.mode !== 'full' ? o.plan.captureSet : o.session.captureSet,
		attentionSource: structure.attentionSource,
		analysisError: o.analysisError,
		model: o.model,
		tensors,
		summaries,
		attention: structure.attention,
		structure,
		input,
		tokens: fed.tokens,
		tokenIds: fed.tokenIds,
		special: fed.special,
		fed: fedInputs(fed),
		folder: o.folder,
		capturedGraph: o.capturedGraph,
		derived,
		capture: captureInfo(o.plan, o.layer, o.sessionNo, o.buffer !== null),
		timings: { sessionMs, runMs },
		health: checked,
		...(whatIf ? { whatIf } : {}),
		...(long.long ? { long: long.long } : {})
	};
	post(msg, [...transfer, ...long.transfer]);
}

/** Longer inputs on the open session: over the budget, narrow to one layer a run (same session). */
async function replan(id: number, o: Open, feeds: Record<string, CapturedTensor>): Promise<number> {
	if (o.plan.requested === 'none') return 0;
	const dims = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, t.dims]));
	const next = narrow(
		o.plan,
		choosePlan({
			graph: o.graph,
			structure: o.structure,
			feeds: dims,
			captureSet: o.plan.requested,
			budget: o.budget,
			modelBytes: o.modelBytes
		})
	);
	if (next === o.plan) return 0;
	// ORT allocates every exposed output during a run, fetched or not: fetching one layer from a
	// session that exposes everything would still peak at everything. So, once, on the switch (not
	// on every new input), a session exposing the selective set replaces it.
	const t0 = performance.now();
	const backend = o.session.backend;
	progress(
		id,
		'session',
		`these inputs need more than the memory budget: switching to ${next.mode} capture (new session on ${label(backend)})`
	);
	await o.session.release().catch(() => undefined);
	o.plan = next;
	const bytes = await bytesOf(o, reading(id));
	o.session = await CaptureSession.create(ort, bytes, o.graph, captureOptions(next, backend, o.sessionOptions)).catch((e: unknown) => {
		throw ortError('load', e);
	});
	if (bytes !== o.buffer) freeBytes(bytes);
	o.sessionNo = ++sessions;
	return performance.now() - t0;
}
