// Summary capture, the plan for long inputs. A selective session still exposes every layer's
// attention patterns, and ORT holds every exposed output until the run ends, fetched or not: at
// GPT-2 small's shapes that is 12 x 12 x S^2 x 4 B per tensor kind (2.3 GiB of patterns at 2048).
// When what a selective session exposes (squares and every layer's other semantic tensors, all held
// to the run's end) exceeds what the budget leaves beside the weights, the session exposes no
// square at all: appended nodes (long.ts) reduce each pattern to row summaries and a pooled pattern,
// and one head of one layer comes back exact, picked by two int64 inputs. Pure: no ORT, no DOM.
import type { Graph } from '../onnx/graph.js';
import { poolBlock } from '../stats/index.js';
import { formatBytes } from './limits.js';
import { POOL_TARGET, addOrder, summaryGraph, summaryTargets } from './long.js';
import { pickShown } from './long-shown.js';
import { streamNorms } from './long-norms.js';
import { windowLogits, windowedSkips } from './long-logits.js';
import type { CapturePlan, PlanInput } from './plan.js';

/**
 * Below this length a selective run keeps exact patterns: one GPT-2-small layer's are 3 MiB at 256
 * and every heatmap draws cell by cell, so head switches stay free. From here the squares grow past
 * what a page should hold for a layer it only glances at (12 MiB a layer at 512, 192 MiB at 2048).
 */
export const SUMMARY_MIN_SEQ = 256;

/** The sequence length the patterns will have: the token input's last dim (as plan.ts estimates). */
export function planSeq(feeds: PlanInput['feeds']): number {
	const first = Object.values(feeds)[0] ?? [1];
	return first[first.length - 1] ?? 1;
}

/** The attention squares of every layer (pattern, softmax input, Q K^T): what summary capture stops exposing. */
function squareNames(p: PlanInput): Set<string> {
	const out = new Set<string>();
	for (const a of p.structure?.attention ?? []) for (const n of [a.pattern, a.scores, a.qk]) if (n) out.add(n);
	return out;
}

/**
 * The selective plan as it is, or, when what it exposes does not fit the allowance at a long input, the
 * summary plan: the same per-layer tensors less the squares, plus every layer's summaries (every
 * run) and the shown head's exact pattern.
 */
export function summaryOr(selective: CapturePlan, p: PlanInput, size: (n: string) => number, graph: Graph): CapturePlan {
	const seq = planSeq(p.feeds);
	const targets = summaryTargets(p.structure);
	const squares = squareNames(p);
	// ORT holds everything exposed until the run ends, squares or not, and the model's own outputs
	// too, fetched or not (GPT-2-shaped at 512: 543 MiB exposed + 98 MiB of logits; selective peaked
	// at 1.76 GiB under a 1.5 GiB budget).
	const exposed = new Set([...selective.exposed, ...graph.outputs.map((o) => o.name)]);
	const held = [...exposed].reduce((t, n) => t + size(n), 0);
	// MaxPool/AveragePool's ceil_mode needs opset 10.
	if (!targets.length || graph.opset < 10 || seq < SUMMARY_MIN_SEQ || held <= Math.max(0, selective.allowance)) return selective;
	// Layers computed in query chunks (long-chunk.ts) lose their chain's squares from the graph.
	const summary = summaryGraph(targets, seq, graph.opset, POOL_TARGET, graph, { order: false });
	for (const n of summary.gone) squares.add(n);
	const keep = (names: readonly string[]) => names.filter((n) => !squares.has(n));
	const perLayer = selective.perLayer.map(keep);
	const picked = new Set(perLayer.flat());
	summary.shown = pickShown(graph, p.structure!, perLayer, summary);
	for (const n of perLayer.flat()) picked.delete(n);
	// Streams the flow chart reads: their norms every run, the shown layer's whole.
	for (const n of streamNorms(graph, p.structure!, summary, new Set(selective.always))) picked.add(n);
	addOrder(graph, summary);
	summary.logits = windowLogits(graph, p.structure!, summary, size, seq);
	const always = keep(selective.always).filter((n) => !picked.has(n));
	const sum = (names: readonly string[]) => names.reduce((t, n) => t + size(n), 0);
	const outputs = graph.outputs.map((o) => o.name).filter((n) => !selective.skippedOutputs.includes(n));
	const H = Math.max(...targets.map((t) => t.heads));
	const perHead = 4 * (4 * seq + 2 * summary.size * summary.size); // 4 row series + 2 pooled, float32/int32
	const summaryBytes = targets.length * H * perHead + 4 * seq * seq;
	const shownBytes = sum(summary.shown.map((r) => Object.values(r.byLayer)[0]));
	const runBytes = sum(outputs) + sum(always) + Math.max(0, ...perLayer.map(sum)) + shownBytes + summaryBytes;
	const block = poolBlock(seq, POOL_TARGET);
	return {
		...selective,
		mode: 'summary',
		exposed: keep(selective.exposed).filter((n) => !picked.has(n)),
		always,
		perLayer,
		selectiveBytes: runBytes,
		skippedOutputs: windowedSkips(selective.skippedOutputs, summary.logits),
		summary,
		reason:
			`a selective session's tensors at ${seq} tokens (every layer's attention patterns, other semantic tensors and the model's outputs, held until a run ends) would take ${formatBytes(held)}, over the ` +
			`${formatBytes(Math.max(0, selective.allowance))} the memory budget leaves beside the weights: summary capture, ` +
			`row summaries and ${summary.size}x${summary.size} pooled patterns (blocks of ${block}x${block}) of every head, ` +
			`the shown head's exact pattern and the shown layer's other tensors (${formatBytes(runBytes)} a run)`
	};
}
