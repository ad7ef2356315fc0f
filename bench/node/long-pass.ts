// One summary-capture pass of the GPT-2-small-shaped stack in Node, as the worker runs it (plan at
// the app's 1536 MiB budget, captureOptions, takeSummaries): bytes sent, the WASM heap's size after
// the run (it only grows, so this is the run's high-water mark) and the process's peak RSS.
// Run under /usr/bin/time for maxrss too:
//   npx tsx bench/node/long-pass.ts SEQ [--symbolic] [MODEL_PATH]   (writes the model there when missing)
// The model has a fixed input_ids [1, SEQ], as the bench writes it, or with --symbolic a "seq" dim.
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MiB = 2 ** 20;
let memory: WebAssembly.Memory | null = null;
// The heap: onnxruntime-web's threaded build creates its memory in JS, the plain one exports it.
const Memory = WebAssembly.Memory;
WebAssembly.Memory = new Proxy(Memory, {
	construct: (M, args: [WebAssembly.MemoryDescriptor]) => (memory = new M(...args))
});
const instantiate = WebAssembly.instantiate.bind(WebAssembly) as (...a: unknown[]) => Promise<unknown>;
(WebAssembly as unknown as { instantiate: unknown }).instantiate = async (...a: unknown[]) => {
	const r = (await instantiate(...a)) as { instance?: WebAssembly.Instance } & WebAssembly.Instance;
	for (const v of Object.values((r.instance ?? r).exports ?? {})) if (v instanceof Memory) memory = v;
	return r;
};

const args = process.argv.slice(2);
const symbolic = args.includes('--symbolic');
const [seqArg, pathArg] = args.filter((a) => a !== '--symbolic');
const seq = Number(seqArg ?? 2048);
const path = pathArg ?? join(tmpdir(), `blockscope-gpt2-${symbolic ? 'seq' : seq}-${seq}.onnx`);
const ort = await import('onnxruntime-web');
const { writeGpt2, GPT2_SMALL } = await import('../../models/gpt2/index.js');
const { Graph, bufferOf, readModel } = await import('../../src/lib/onnx/index.js');
const { analyze } = await import('../../src/lib/analysis/index.js');
const { CaptureSession, choosePlan, sessionFetches } = await import('../../src/lib/runtime/index.js');
const { defaultInputs } = await import('../../src/lib/runtime/inputs.js');
const { captureOptions } = await import('../../src/lib/worker/run-info.js');
const { longFeeds, takeSummaries } = await import('../../src/lib/worker/long.js');

if (!existsSync(path)) writeGpt2(path, { seq: symbolic ? null : seq, maxPos: Math.max(GPT2_SMALL.maxPos, seq) });
const bytes = new Uint8Array(readFileSync(path));
const graph = new Graph(readModel(bytes));
const structure = analyze(graph);
const feeds = defaultInputs(graph, { seq, seed: 1 });
const dims = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, t.dims]));
const plan = choosePlan({ graph, structure, feeds: dims, captureSet: 'semantic', budget: 1536 * MiB, modelBytes: bytes.length });
const t0 = performance.now();
const session = await CaptureSession.create(ort, bufferOf(bytes), graph, captureOptions(plan, 'wasm', undefined));
const t1 = performance.now();
const at = { layer: 5, head: 3 };
const ran = await session.run({ ...feeds, ...longFeeds(plan, at.layer, at.head) }, sessionFetches(plan, graph, at.layer, session.exposed));
const t2 = performance.now();
const taken = takeSummaries(ran, plan, at, 'open', t2 - t1);
let sent = 0;
for (const t of taken.store) sent += (t.data as ArrayBufferView).byteLength;
for (const b of taken.transfer) sent += b.byteLength;
await session.release();
const heap = memory ? (memory as WebAssembly.Memory).buffer.byteLength : null;
const round = (x: number) => Math.round(x * 10) / 10;
console.log(
	JSON.stringify({
		seq,
		input: symbolic ? 'symbolic' : 'fixed',
		mode: plan.mode,
		exposed: plan.exposed.length,
		create_s: round((t1 - t0) / 1000),
		run_s: round((t2 - t1) / 1000),
		sent_mib: round(sent / MiB),
		tensors: taken.store.size,
		wasm_heap_mib: heap === null ? null : round(heap / MiB),
		rss_mib: round(process.memoryUsage().rss / MiB)
	})
);
