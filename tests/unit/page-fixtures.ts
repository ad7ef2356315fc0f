// What the page's state classes are tested with: real runs of the committed zoo (the inspect
// CLI's own path, onnxruntime-web on WASM) turned into the worker's ResultMessage, and a fake
// runtime whose answers the test hands out one by one (to test which request wins).
import { readFile } from 'node:fs/promises';
import { inspectModel } from '../../src/cli/run';
import { health } from '../../src/lib/report';
import { structureInfo, tryAnalyze } from '../../src/lib/worker/structure';
import { summarize } from '../../src/lib/report';
import type { InputOptions, ModelSource, ProgressMessage, ResultMessage, StructureMessage } from '../../src/lib/worker/protocol';
import type { Runtime } from '../../src/lib/features/model';
import type { Override } from '../../src/lib/analysis/types';

const runs = new Map<string, Promise<ResultMessage>>();

/** The result the worker would send for zoo model `id` on `input` (runs once per model and input). */
export function zooResult(id: string, input: InputOptions = {}): Promise<ResultMessage> {
	const key = `${id}|${JSON.stringify(input)}`;
	if (!runs.has(key)) runs.set(key, run(id, input));
	return runs.get(key)!;
}

async function run(id: string, input: InputOptions): Promise<ResultMessage> {
	const r = await inspectModel({ model: `models/${id}.onnx`, threads: 1, ...input });
	const a = tryAnalyze(r.graph);
	const names = [...r.store.order];
	const structure = structureInfo(r.graph, a.structure, a.error, r.store, names);
	const tensors = names.map((n) => r.store.get(n)!);
	const g = r.graph;
	return {
		type: 'result',
		id: 0,
		backend: 'wasm',
		fallback: null,
		captureSet: 'all',
		attentionSource: 'analysis',
		analysisError: a.error,
		model: {
			name: `${id}.onnx`,
			bytes: r.bytes,
			opset: g.opset,
			inputs: g.inputs.map((v) => ({ name: v.name, dtype: v.dtype, dims: v.dims })),
			outputs: g.outputs.map((v) => ({ name: v.name, dtype: v.dtype, dims: v.dims })),
			metadata: Object.fromEntries(g.metadata)
		},
		tensors,
		summaries: tensors.map((t) => summarize(t)),
		attention: structure.attention,
		structure,
		input,
		tokens: r.tokens,
		timings: { sessionMs: 12, runMs: 3 },
		health: health(g, a.structure, r.store)
	};
}

export type Call =
	| {
			kind: 'open';
			source: ModelSource;
			opts: { backend: string; captureSet: string; input?: InputOptions; budget?: number; layer?: number };
	  }
	| { kind: 'run'; input: InputOptions; layer?: number }
	| { kind: 'analyze'; overrides: Override[] };

interface Pending {
	call: Call;
	onProgress?: (p: ProgressMessage) => void;
	resolve: (r: ResultMessage | StructureMessage) => void;
	reject: (e: Error) => void;
}

/** A runtime that answers only when told: `answer(i, r)` resolves the i-th request. */
export function fakeRuntime() {
	const pending: Pending[] = [];
	let disposed = false;
	const ask = (call: Call, onProgress?: (p: ProgressMessage) => void) =>
		new Promise<ResultMessage | StructureMessage>((resolve, reject) => pending.push({ call, onProgress, resolve, reject }));
	const runtime: Runtime = {
		open: (source, opts, onProgress) => ask({ kind: 'open', source, opts }, onProgress) as Promise<ResultMessage>,
		run: (input, onProgress, layer) => ask({ kind: 'run', input, layer }, onProgress) as Promise<ResultMessage>,
		analyze: (overrides) => ask({ kind: 'analyze', overrides }) as Promise<StructureMessage>,
		dispose: () => void (disposed = true)
	};
	return {
		runtime,
		calls: () => pending.map((p) => p.call),
		get disposed() {
			return disposed;
		},
		progress: (i: number, p: Omit<ProgressMessage, 'type' | 'id'>) => pending[i].onProgress?.({ type: 'progress', id: i, ...p }),
		answer: (i: number, r: ResultMessage | StructureMessage) => pending[i].resolve(r),
		refuse: (i: number, e: Error) => pending[i].reject(e)
	};
}

/** The committed zoo list, for a page that fetches models/index.json. */
export async function zooIndex(): Promise<Response> {
	return new Response(await readFile('models/index.json', 'utf8'), { status: 200, headers: { 'content-type': 'application/json' } });
}

/** Lets every settled promise's continuation run. */
export const flush = () => new Promise((res) => setTimeout(res, 0));
