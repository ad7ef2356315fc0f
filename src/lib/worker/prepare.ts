// Opening a model in the worker, up to the session: its source (a folder's variant, tokenizer and
// config.json), its bytes and graph, the inputs of the first run, the graph capture runs on (a
// merged decoder's selected branch inlined) and what recognition makes of it. The inspect CLI
// does the same steps in the same order (src/cli/run.ts), so both build the same feeds.
import { Graph, readModel, type ModelBuffer } from '../onnx/index.js';
import type { Structure } from '../analysis/index.js';
import { captureGraph, textFeeds, type CaptureGraph, type TextFeeds } from '../runtime/index.js';
import { openSource, type OpenedSource } from './folder.js';
import { readSource, type OnRead } from './model-bytes.js';
import { tryAnalyze } from './structure.js';
import type { FedInput, InputOptions, ModelSource } from './protocol.js';

export interface Prepared {
	opened: OpenedSource;
	/** The model file as read. */
	buf: ModelBuffer;
	/** The model as it is: inputs are built on it. */
	original: Graph;
	/** What the session parses: the model, or a merged decoder's branch inlined (cap.model). */
	cap: CaptureGraph;
	graph: Graph;
	/** External data for the session: the model's own files, and the original bytes an inlined graph reads. */
	external: { path: string; data: Uint8Array }[];
	/** Bytes of the model's own external data files. */
	externalBytes: number;
	structure: Structure | null;
	analysisError: string | null;
	/** The first run's dims per input (empty when the inputs cannot be built: the run says why). */
	feedDims: Record<string, number[]>;
}

export async function prepare(src: ModelSource, input: InputOptions, onRead: OnRead, say: (message: string) => void): Promise<Prepared> {
	const opened = await openSource(src);
	const m = opened.model;
	const buf = await readSource(m, m.kind === 'url' ? 'fetching' : 'reading', onRead);
	say(`reading ${m.name} (${buf.length} bytes)`);
	const original = new Graph(readModel(buf.buffer.subarray(0, buf.length)));
	const own = await opened.external(original);
	const feeds = tryFeeds(original, opened, input);
	// A merged decoder whose inputs pick a branch is captured with that branch inlined.
	const cap = captureGraph(original.model, buf, feeds?.branch ?? null);
	const graph = cap.inlined ? cap.graph : original;
	say('recognizing attention, norms and residual adds');
	// Recognition failing must not stop the run: the page falls back to the Softmax heuristic.
	const { structure, error } = tryAnalyze(graph, [], opened.hints, cap.opaque);
	const feedDims = feeds ? Object.fromEntries(Object.entries(feeds.feeds).map(([k, t]) => [k, t.dims])) : {};
	return {
		opened,
		buf,
		original,
		cap,
		graph,
		external: [...own, ...cap.externalData],
		externalBytes: own.reduce((n, f) => n + f.data.byteLength, 0),
		structure,
		analysisError: error,
		feedDims
	};
}

function tryFeeds(graph: Graph, o: Pick<OpenedSource, 'tokenizer' | 'hints'>, input: InputOptions): TextFeeds | null {
	try {
		return textFeeds(graph, o.tokenizer, o.hints, input);
	} catch {
		return null;
	}
}

/** Each input as fed, with where its value came from. */
export function fedInputs(f: TextFeeds): FedInput[] {
	return Object.values(f.feeds).map((t) => ({ name: t.name, dims: [...t.dims], dtype: t.dtype, source: f.sources[t.name] ?? 'default' }));
}
