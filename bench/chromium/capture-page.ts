// Browser side of the capture bench (bundled by esbuild into a blank page): the app's own
// modules (fetch into a buffer with spare room, parse, recognize, CaptureSession) on
// onnxruntime-web's WebGPU build, the one the app's worker loads, with its WASM or WebGPU EP.
import * as ort from 'onnxruntime-web/webgpu';
import { Graph, allIntermediates, exposeOutputs, readModel } from '../../src/lib/onnx/index.js';
import { analyze } from '../../src/lib/analysis/index.js';
import { defaultInputs, type Backend, type CaptureSet, type OrtModule } from '../../src/lib/runtime/index.js';
import { fetchModel } from '../../src/lib/worker/index.js';
import { timeCapture, type CaptureTiming } from '../capture-core.js';
import { sessionOpener } from '../runners.js';

export interface PageCaptureOptions {
	url: string;
	backend: Backend;
	seq?: number;
	sets: CaptureSet[];
	warmup: number;
	warmupMs: number;
	reps: number;
	batch: number;
	threads: number;
}

export interface PageCaptureResult extends CaptureTiming {
	seq: number;
	/** Why the backend could not run at all (then sets is empty). */
	unavailable?: string;
	adapter?: string;
	/** The app's rewrite in the browser: expose every intermediate into the fetched buffer's spare room. */
	rewrite_ms: number;
	rewrite_in_place: boolean;
}

let configured = false;

async function adapterInfo(): Promise<{ ok: boolean; what: string }> {
	const gpu = (
		navigator as unknown as {
			gpu?: { requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; description?: string } } | null> };
		}
	).gpu;
	if (!gpu) return { ok: false, what: 'navigator.gpu is missing (WebGPU not enabled)' };
	const a = await gpu.requestAdapter();
	if (!a) return { ok: false, what: 'no WebGPU adapter' };
	const i = a.info ?? {};
	return { ok: true, what: [i.vendor, i.architecture, i.description].filter(Boolean).join(' ') || 'unknown adapter' };
}

async function capture(o: PageCaptureOptions): Promise<PageCaptureResult> {
	if (!configured) {
		ort.env.wasm.wasmPaths = new URL('/ort/', location.href).href;
		ort.env.wasm.numThreads = o.threads;
		ort.env.wasm.proxy = false;
		ort.env.logLevel = 'error';
		configured = true;
	}
	const model = await fetchModel(o.url, () => undefined);
	const graph = new Graph(readModel(model.buffer.subarray(0, model.length)));
	const names = allIntermediates(graph);
	const t0 = performance.now();
	const rewritten = exposeOutputs(model, names);
	const rewriteMs = performance.now() - t0;
	let semantic: string[] | null;
	try {
		semantic = analyze(graph).semantic;
	} catch {
		semantic = null;
	}
	const feeds = defaultInputs(graph, { seq: o.seq });
	const seq = Object.values(feeds)[0]?.dims.at(-1) ?? 0;
	const base = { seq, rewrite_ms: rewriteMs, rewrite_in_place: rewritten.buffer === model.buffer.buffer };
	let adapter: string | undefined;
	if (o.backend === 'webgpu') {
		const a = await adapterInfo();
		if (!a.ok) return { ...base, warmup: o.warmup, reps: o.reps, batch: o.batch, sets: [], unavailable: a.what };
		adapter = a.what;
	}
	// The bench exposes the page's CPU time (read from /proc by the Node side), when it can.
	const cpuClock = (window as unknown as { __benchCpu?: () => Promise<number> }).__benchCpu;
	const timing = await timeCapture(
		sessionOpener({ ort: ort as unknown as OrtModule, model, graph, feeds, semantic, backend: o.backend }),
		o.sets,
		{
			warmup: o.warmup,
			warmupMs: o.warmupMs,
			reps: o.reps,
			batch: o.batch,
			cpu: cpuClock
		}
	);
	return { ...base, ...timing, adapter };
}

(window as unknown as { __bench: object }).__bench = { capture };
