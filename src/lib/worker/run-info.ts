// Pure pieces of the worker's runs: the options a session is created with for a capture plan, the
// model's summary, how a result was captured, the tensors as transferable data, and the checks
// and recomputed tensors every run gets.
import type { Graph } from '../onnx/index.js';
import { appendSummary, type Backend, type CaptureOptions, type CapturePlan, type CaptureSet } from '../runtime/index.js';
import type { CapturedTensor, TensorStore } from '../tensor/index.js';
import type { Structure } from '../analysis/index.js';
import { SELF_CHECK_TOL, deriveTensors, type DerivedEntry } from '../derive/index.js';
import { computePrecision, health, type Health } from '../report/index.js';
import type { CaptureInfo, ModelSummary } from './protocol.js';

/** A session for `plan` on `backend`. Over the memory budget (selective), ORT's second, pre-packed copy of the MatMul weights goes: ~0.25 GiB for GPT-2 small, ~0% slower at seq 512. */
export function captureOptions(plan: CapturePlan, backend: Backend, sessionOptions: CaptureOptions['sessionOptions']): CaptureOptions {
	return {
		backend,
		captureSet: plan.captureSet,
		semantic: plan.exposed,
		sessionOptions,
		prepack: plan.mode === 'full',
		skipOutputs: plan.skippedOutputs,
		// Summary capture: the summary nodes and their two inputs appended to what ORT parses.
		...(plan.summary ? { edit: (m: Uint8Array) => appendSummary(m, plan.summary!) } : {})
	};
}

export function modelSummary(name: string, bytes: number, graph: Graph): ModelSummary {
	return {
		name,
		bytes,
		opset: graph.opset,
		inputs: graph.inputs.map((v) => ({ name: v.name, dtype: v.dtype, dims: v.dims })),
		outputs: graph.outputs.map((v) => ({ name: v.name, dtype: v.dtype, dims: v.dims })),
		metadata: Object.fromEntries(graph.metadata),
		precision: computePrecision(graph)
	};
}

/** How a result was captured, for the status line and the test hook. */
export function captureInfo(p: CapturePlan, layer: number, session: number, modelBytesKept: boolean): CaptureInfo {
	const selective = p.mode !== 'full';
	return {
		mode: p.mode,
		requested: p.requested,
		layer: selective ? Math.min(layer, p.perLayer.length - 1) : null,
		requestedBytes: p.requestedBytes,
		allowanceBytes: p.allowance,
		runBytes: p.selectiveBytes,
		reason: p.reason,
		session,
		modelBytesKept,
		skippedOutputs: selective ? p.skippedOutputs : []
	};
}

/** Each tensor's buffer moves to the page (no copy); shared or over-large backing buffers are cut to size first. */
export function transferable(store: TensorStore): { tensors: CapturedTensor[]; transfer: ArrayBuffer[] } {
	const tensors: CapturedTensor[] = [];
	const buffers = new Set<ArrayBuffer>();
	for (const t of store) {
		let data = t.data;
		const whole = data.buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
		// A view into WASM memory (shared, or one big heap) must not be moved: copy just its bytes.
		if (!whole || buffers.has(data.buffer as ArrayBuffer)) data = data.slice() as typeof data;
		buffers.add(data.buffer as ArrayBuffer);
		tensors.push({ ...t, data });
	}
	return { tensors, transfer: [...buffers] };
}

/** Fused attention patterns and hidden stream sums, recomputed from the run as the CLI does; a failure is said, never fails the run. */
export function deriveSafely(graph: Graph, structure: Structure | null, store: TensorStore): DerivedEntry[] {
	try {
		return deriveTensors(graph, structure, store);
	} catch (e) {
		return (structure?.derived ?? []).map((d) => ({
			name: d.name,
			kind: d.kind,
			op: graph.nodes[d.node]?.opType ?? '',
			selfCheck: null,
			tolerance: SELF_CHECK_TOL,
			skipped: (e as Error).message
		}));
	}
}

/** The health checks, as the inspect CLI computes them (a failure here must not fail the run). Selective capture: what this run fetched. */
export function healthOf(
	graph: Graph,
	structure: Structure | null,
	store: TensorStore,
	capture: CaptureSet,
	exposed: readonly string[]
): Health | null {
	try {
		return health(graph, structure, store, { capture, exposed });
	} catch {
		return null;
	}
}
