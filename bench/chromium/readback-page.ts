// Browser side of the WebGPU readback measurement: how much of a capturing run is bringing the
// captured tensors back from the GPU. The same exposed set, two sessions: outputs downloaded to
// the CPU (what the app does), and outputs left on the GPU (`preferredOutputLocation:
// 'gpu-buffer'`), then either nothing read back but one small tensor (which waits for the GPU to
// finish) or only the tensor a view would draw (one attention pattern).
import * as ort from 'onnxruntime-web/webgpu';
import { Graph, readModel } from '../../src/lib/onnx/index.js';
import { analyze } from '../../src/lib/analysis/index.js';
import { CaptureSession, defaultInputs } from '../../src/lib/runtime/index.js';
import { fetchModel } from '../../src/lib/worker/index.js';
import { median } from '../stats.js';

export interface ReadbackOptions {
	url: string;
	seq?: number;
	warmup: number;
	reps: number;
}

export interface ReadbackResult {
	seq: number;
	exposed: number;
	captured_mb: number;
	/** A run with every output downloaded (the app's way), median ms. */
	step_ms: number;
	/** The same run with outputs left on the GPU, synchronised by reading back the smallest one. */
	gpu_ms: number;
	/** ...reading back only the first layer's attention pattern (what the heatmap draws). */
	shown_ms: number;
	shown_mb: number;
}

const MiB = 2 ** 20;

async function timed(n: number, f: () => Promise<void>): Promise<number[]> {
	const out: number[] = [];
	for (let i = 0; i < n; i++) {
		const t0 = performance.now();
		await f();
		out.push(performance.now() - t0);
	}
	return out;
}

export async function readback(o: ReadbackOptions): Promise<ReadbackResult> {
	ort.env.wasm.wasmPaths = new URL('/ort/', location.href).href;
	ort.env.wasm.proxy = false;
	ort.env.logLevel = 'error';
	const model = await fetchModel(o.url, () => undefined);
	const graph = new Graph(readModel(model.buffer.subarray(0, model.length)));
	const structure = analyze(graph);
	const feeds = defaultInputs(graph, { seq: o.seq });
	const opts = { backend: 'webgpu' as const, captureSet: 'semantic' as const, semantic: structure.semantic };
	const cpu = await CaptureSession.create(ort, model, graph, opts);
	const gpu = await CaptureSession.create(ort, model, graph, { ...opts, sessionOptions: { preferredOutputLocation: 'gpu-buffer' } });
	const ortFeeds = Object.fromEntries(Object.values(feeds).map((t) => [t.name, new ort.Tensor(t.dtype as never, t.data as never, t.dims)]));
	const pattern = structure.layers[0]?.attention?.pattern ?? structure.attention[0]?.pattern;
	let captured = 0;
	let shownBytes = 0;
	const runCpu = async () => {
		const out = await cpu.session.run(ortFeeds);
		captured = Object.values(out).reduce((s, t) => s + (t.data as ArrayBufferView).byteLength, 0);
	};
	const runGpu = (read: 'smallest' | 'shown') => async () => {
		const out = await gpu.session.run(ortFeeds);
		const all = Object.entries(out);
		const size = (t: ort.Tensor) => t.dims.reduce((a, b) => a * b, 1);
		const pick = read === 'shown' && pattern && out[pattern] ? out[pattern] : all.map(([, t]) => t).sort((a, b) => size(a) - size(b))[0];
		const data = (await pick.getData()) as ArrayBufferView;
		if (read === 'shown') shownBytes = data.byteLength;
		for (const [, t] of all) t.dispose();
	};
	for (let i = 0; i < o.warmup; i++) {
		await runCpu();
		await runGpu('smallest')();
		await runGpu('shown')();
	}
	// Interleaved rounds, so load on the machine falls on all three alike.
	const a: number[] = [];
	const b: number[] = [];
	const c: number[] = [];
	for (let i = 0; i < o.reps; i++) {
		a.push(...(await timed(1, runCpu)));
		b.push(...(await timed(1, runGpu('smallest'))));
		c.push(...(await timed(1, runGpu('shown'))));
	}
	await cpu.release();
	await gpu.release();
	return {
		seq: Object.values(feeds)[0]?.dims.at(-1) ?? 0,
		exposed: cpu.exposed.length,
		captured_mb: captured / MiB,
		step_ms: median(a),
		gpu_ms: median(b),
		shown_ms: median(c),
		shown_mb: shownBytes / MiB
	};
}

(window as unknown as { __bench: object }).__bench = { readback };
