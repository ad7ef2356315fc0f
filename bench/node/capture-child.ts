// Child process: capture cost of one model at one seq in Node on WASM. Prints one JSON line.
// A process per model keeps one model's WASM heap (it never shrinks) from weighing on the next.
//   node --import tsx bench/node/capture-child.ts MODEL --seq N --warmup W --warmup-ms T --reps R [--threads T]
import { parseArgs } from 'node:util';
import { Graph, readModel } from '../../src/lib/onnx/index.js';
import { analyze } from '../../src/lib/analysis/index.js';
import { defaultInputs, type CaptureSet } from '../../src/lib/runtime/index.js';
import { loadOrt, readModelFile } from '../../src/lib/runtime/node/index.js';
import { timeCapture } from '../capture-core.js';
import { graphOnlyOpener, sessionOpener } from '../runners.js';

const { values, positionals } = parseArgs({
	allowPositionals: true,
	options: {
		seq: { type: 'string' },
		warmup: { type: 'string', default: '1' },
		'warmup-ms': { type: 'string', default: '0' },
		reps: { type: 'string', default: '5' },
		batch: { type: 'string', default: '1' },
		threads: { type: 'string', default: '1' },
		sets: { type: 'string', default: 'none,semantic,all' },
		// Also time the "all" graph with only the model's outputs fetched (see graphOnlyOpener).
		explain: { type: 'boolean', default: false }
	}
});
const path = positionals[0];
const ort = await loadOrt({ threads: Number(values.threads) });
const model = await readModelFile(path);
const graph = new Graph(readModel(model.buffer.subarray(0, model.length)));
let semantic: string[] | null;
try {
	semantic = analyze(graph).semantic;
} catch {
	semantic = null;
}
const feeds = defaultInputs(graph, { seq: values.seq ? Number(values.seq) : undefined });
const seq = Object.values(feeds)[0]?.dims.at(-1) ?? 0;
// CPU time of this process (every thread: ORT's, V8's GC helpers), ms.
const cpu = () => {
	const u = process.cpuUsage();
	return (u.user + u.system) / 1000;
};
const timing = await timeCapture(
	sessionOpener({ ort, model, graph, feeds, semantic, backend: 'wasm' }),
	values.sets!.split(',') as CaptureSet[],
	{
		warmup: Number(values.warmup),
		warmupMs: Number(values['warmup-ms']),
		reps: Number(values.reps),
		batch: Number(values.batch),
		cpu
	}
);
let explain: Record<string, number | null> | undefined;
if (values.explain) {
	const t = await timeCapture(graphOnlyOpener({ ort, model, graph, feeds, semantic, backend: 'wasm' }), ['none', 'semantic', 'all'], {
		warmup: Number(values.warmup),
		warmupMs: 0,
		reps: 3,
		cpu
	});
	explain = {
		semantic_graph_only_ratio: t.sets[1].ratio,
		all_graph_only_ratio: t.sets[2].ratio,
		semantic_graph_only_cpu_ratio: t.sets[1].cpu_ratio ?? null,
		all_graph_only_cpu_ratio: t.sets[2].cpu_ratio ?? null
	};
}
const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(JSON.stringify({ seq, threads: ort.env.wasm.numThreads, max_rss_mb: maxRssMb, ...timing, ...explain }) + '\n');
