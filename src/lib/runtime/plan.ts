// The capture plan: how many bytes a capture set would produce for this input, and whether it fits
// the memory budget. When it does not, the plan switches by itself to selective capture: one session
// exposes the semantic tensors of every layer, and each run fetches only the current layer's tensors
// plus the small residual-stream tensors the residual-flow chart needs across layers. Stepping to
// another layer is then one forward pass on the same session. Pure: no ORT, no DOM.
//
// Sizes: plan-sizes.ts.
import type { Graph } from '../onnx/graph.js';
import type { Layer, Structure } from '../analysis/types.js';
import { captureNames, type CaptureSet } from './capture.js';
import { formatBytes } from './limits.js';
import { poolBlock } from '../stats/index.js';
import { POOL_TARGET, type SummaryGraph } from './long.js';
import { planSeq, summaryOr } from './long-plan.js';
import { chunksFit } from './long-chunk.js';
import { estimateSizes } from './plan-sizes.js';

export { estimateSizes };

export interface PlanInput {
	graph: Graph;
	/** Recognition's result (null: it failed; selective capture is then not possible). */
	structure: Structure | null;
	/** The feeds' dims by input name (what the run will be given). */
	feeds: Record<string, readonly number[]>;
	captureSet: CaptureSet;
	/** The memory budget in bytes (limits.ts: model plus everything it takes to run it). */
	budget: number;
	/** Bytes of the model (file plus external data). */
	modelBytes: number;
}

export interface CapturePlan {
	/** summary (long-plan.ts): selective without the attention squares, which arrive as in-graph summaries. */
	mode: 'full' | 'selective' | 'summary';
	/** The capture set asked for. */
	requested: CaptureSet;
	/** The set the session exposes ("semantic" in selective mode). */
	captureSet: CaptureSet;
	/** Names the session exposes as extra outputs. */
	exposed: string[];
	/** Bytes the requested set would produce in one run (graph outputs included). */
	requestedBytes: number;
	/** Bytes left for captured tensors: the budget less what the weights take (held twice). */
	allowance: number;
	/** Selective: exposed names fetched on every run (streams for the flow chart, embeddings, final norm). */
	always: string[];
	/** Selective: exposed names fetched only when their layer is shown, per layer. */
	perLayer: string[][];
	/** Selective: graph outputs not fetched, being over OUTPUT_CAP (GPT-2's logits at seq 512: 98 MiB a run). */
	skippedOutputs: string[];
	/** Selective: bytes of one run (fetched outputs + always + the largest layer). */
	selectiveBytes: number;
	/** Why selective (or why not, when it would be needed and is not possible); null: nothing to say. */
	reason: string | null;
	/** Summary: the appended nodes (their outputs are fetched every run). */
	summary?: SummaryGraph;
	/** The sequence length the plan was made for (the token input's last dim). */
	seq?: number;
}

/**
 * The weights are held twice while a session is created: the page's buffer and ORT's own copy
 * (a large model's buffer is let go of right after: worker.ts).
 */
export const WEIGHT_COPIES = 2;

/** Selective capture leaves out graph outputs larger than this (the budget is tight there). */
export const OUTPUT_CAP = 32 * 1024 * 1024;

/** The tensors the residual-flow chart reads for a layer (all [B, S, D], small). */
export function flowNames(L: Layer): string[] {
	const out: (string | null)[] = [L.input, L.output];
	for (const r of L.residuals) out.push(r.output, r.stream, r.base, r.branch, r.attnPart, r.mlpPart);
	return out.filter((n): n is string => !!n);
}

/** Tensor -> layer, from what recognition placed and the hook names. */
function layerOf(s: Structure): Map<string, number> {
	const out = new Map<string, number>();
	for (const L of s.layers) {
		const a = L.attention;
		const put = (n: string | null | undefined) => {
			if (n && !out.has(n)) out.set(n, L.index);
		};
		if (a) for (const n of [a.pattern, a.scores, a.qk]) put(n);
		for (const n of L.norms) for (const t of [n.output, n.last, n.scale]) put(t);
		for (const r of L.residuals) for (const t of [r.output, r.branch, r.attnPart, r.mlpPart]) put(t);
		put(L.output);
	}
	for (const [t, hook] of s.hooks) {
		const m = /^blocks\.(\d+)\./.exec(hook);
		if (m && !out.has(t)) out.set(t, Number(m[1]));
	}
	return out;
}

export function choosePlan(p: PlanInput): CapturePlan {
	const { graph, structure } = p;
	const sizes = estimateSizes(graph, structure, p.feeds);
	const size = (n: string) => sizes.get(n) ?? 0;
	const sum = (names: Iterable<string>) => {
		let t = 0;
		for (const n of names) t += size(n);
		return t;
	};
	const outputs = graph.outputs.map((o) => o.name);
	const requested = captureNames(graph, { captureSet: p.captureSet, semantic: structure?.semantic });
	const requestedBytes = sum(outputs) + sum(requested);
	const allowance = p.budget - WEIGHT_COPIES * p.modelBytes;
	const full: CapturePlan = {
		mode: 'full',
		requested: p.captureSet,
		captureSet: p.captureSet,
		exposed: requested,
		requestedBytes,
		allowance,
		always: [],
		perLayer: [],
		skippedOutputs: [],
		selectiveBytes: requestedBytes,
		reason: null,
		seq: planSeq(p.feeds)
	};
	if (p.captureSet === 'none' || requestedBytes <= allowance) return full;
	const over = `capturing "${p.captureSet}" would take ${formatBytes(requestedBytes)}, over the ${formatBytes(Math.max(0, allowance))} the memory budget leaves beside the weights`;
	if (!structure || !structure.layers.length)
		return { ...full, reason: `${over}; selective capture needs recognized layers, so everything is captured anyway` };

	// Selective: the semantic set of every layer (plus the flow tensors), fetched a layer at a time.
	const flow = new Set(structure.layers.flatMap(flowNames));
	const exposed = captureNames(graph, { captureSet: 'semantic', semantic: [...structure.semantic, ...flow] });
	const placed = layerOf(structure);
	const perLayer: string[][] = structure.layers.map(() => []);
	const always: string[] = [];
	for (const n of exposed) {
		const l = placed.get(n);
		if (flow.has(n) || l === undefined || !perLayer[l]) always.push(n);
		else perLayer[l].push(n);
	}
	const skippedOutputs = outputs.filter((n) => size(n) > OUTPUT_CAP);
	const selectiveBytes = sum(outputs) - sum(skippedOutputs) + sum(always) + Math.max(0, ...perLayer.map((l) => sum(l)));
	const skipped = skippedOutputs.length
		? `; not fetched: the output${skippedOutputs.length > 1 ? 's' : ''} ${skippedOutputs.map((n) => `"${n}" (${formatBytes(size(n))})`).join(', ')}`
		: '';
	const selective: CapturePlan = {
		mode: 'selective',
		requested: p.captureSet,
		captureSet: 'semantic',
		exposed,
		requestedBytes,
		allowance,
		always,
		perLayer,
		skippedOutputs,
		selectiveBytes,
		seq: full.seq,
		reason: `${over}: selective capture, the current layer's tensors and the residual stream of every layer (${formatBytes(selectiveBytes)} a run)${skipped}`
	};
	return summaryOr(selective, p, size, graph);
}

/** The names to fetch for a run showing `layer` (null: fetch everything the session exposes). */
export function fetchesFor(plan: CapturePlan, graph: Graph, layer: number): string[] | null {
	if (plan.mode === 'full') return null;
	const l = Math.min(Math.max(0, layer), plan.perLayer.length - 1);
	const skip = new Set(plan.skippedOutputs);
	const outputs = graph.outputs.map((o) => o.name).filter((n) => !skip.has(n));
	return [...new Set([...outputs, ...plan.always, ...(plan.perLayer[l] ?? []), ...(plan.summary?.outputs ?? [])])];
}

/**
 * New inputs on the open session: a full plan whose inputs grew past the budget narrows to
 * selective or summary capture, a selective one to summary capture; a summary plan is rebuilt only
 * when the length changes its pooling block or leaves a query chunk empty (the appended nodes are
 * built for one length; the last chunk takes any extra rows). Otherwise the
 * plan stays: a session is re-created for new inputs only on such a switch.
 */
export function narrow(current: CapturePlan, next: CapturePlan): CapturePlan {
	if (current.mode === 'full') return next.mode === 'full' ? current : next;
	if (current.mode === 'selective') return next.mode === 'summary' ? next : current;
	// Nodes chunked for one length fail on an input that leaves a chunk empty: rebuild, whatever fits it.
	if (current.summary && next.seq !== undefined && !chunksFit(current.summary, next.seq)) return next;
	if (next.mode !== 'summary' || !current.summary || !next.summary) return current;
	const same = poolBlock(current.summary.seq, POOL_TARGET) === poolBlock(next.summary.seq, POOL_TARGET);
	return same && chunksFit(current.summary, next.summary.seq) ? current : next;
}

/** fetchesFor, keeping only names the session can return (its exposed tensors and the graph outputs). */
export function sessionFetches(plan: CapturePlan, graph: Graph, layer: number, exposed: readonly string[]): string[] | null {
	const f = fetchesFor(plan, graph, layer);
	if (!f) return null;
	const have = new Set([...exposed, ...graph.outputs.map((o) => o.name), ...(plan.summary?.outputs ?? [])]);
	return f.filter((n) => have.has(n));
}
