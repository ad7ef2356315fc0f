// The LM head under summary capture. Nothing on the page reads the logits at long inputs (the lens
// and attribution need a full capture), yet ORT runs the unembedding whether or not its output is
// fetched: GPT-2's [1, S, 50257] is 393 MiB at 2048 tokens. Here the final stream is sliced to its
// last `window` rows before the head (a Slice on the token axis, the first node of the head's path
// reading the slice instead), so the logits are those of the last positions only and small enough
// to fetch. Values equal the same rows of a full run: every op on the path works row by row.
import { node, tensorI64 } from '../onnx/build.js';
import { downstream, type Graph } from '../onnx/graph.js';
import type { Structure } from '../analysis/types.js';
import { headPath } from '../intervene/index.js';
import type { SummaryGraph } from './long.js';
import { OUTPUT_CAP } from './plan.js';

/** Positions the logits are computed for at long inputs (the lens's window: what-if.ts LENS_POSITIONS). */
export const LOGITS_WINDOW = 128;

/** The sliced stream the head reads. */
export const LOGITS_ROWS = 'blockscope.logits.rows';

export interface LogitsWindow {
	/** Rows kept: the last `window` positions (all of them when the input is shorter). */
	window: number;
	/** The graph outputs computed from the head (now [.., window, V]). */
	outputs: string[];
	/** Whether they are fetched: left out of the model's declared outputs, they return as appended ones when they fit OUTPUT_CAP. */
	fetched: boolean;
}

/**
 * Appends the slice and renames the head path's input (after addOrder, which sets `g.renames`);
 * null: no head found, or a tensor after it declares a fixed shape ORT would check against the window.
 */
export function windowLogits(
	graph: Graph,
	s: Structure,
	g: SummaryGraph,
	size: (n: string) => number,
	seq: number,
	window = LOGITS_WINDOW
): LogitsWindow | null {
	// Slice takes a negative axis from opset 11.
	if (graph.opset < 11) return null;
	const p = headPath(graph, s);
	if ('why' in p || !p.outputs.length) return null;
	const at = (graph.model.graph?.node ?? []).indexOf(p.first.proto);
	if (at < 0) return null;
	const outputs = new Set(p.outputs);
	const fixed = (t: string) => !outputs.has(t) && graph.valueInfo.get(t)?.dims?.every((d) => typeof d === 'number');
	if ([...downstream(graph, p.first.outputs)].some(fixed)) return null;
	const c = 'blockscope.logits.';
	g.initializers.push(
		tensorI64(`${c}start`, [1], [-window]),
		tensorI64(`${c}end`, [1], [Number.MAX_SAFE_INTEGER]),
		tensorI64(`${c}axis`, [1], [-2])
	);
	g.nodes.push(node('Slice', [p.from, `${c}start`, `${c}end`, `${c}axis`], [LOGITS_ROWS])); // (B, min(S, window), D)
	g.renames.push({ node: at, field: 'input', slot: p.slot, to: LOGITS_ROWS });
	// Their declared shapes say S rows: the outputs come back undeclared, as the summaries do.
	const fetched = p.outputs.every((n) => size(n) * Math.min(1, window / Math.max(1, seq)) <= OUTPUT_CAP);
	if (fetched) g.outputs.push(...p.outputs);
	return { window, outputs: p.outputs, fetched };
}

/** The model's outputs to leave out once the logits are windowed: theirs too (declared with S rows). */
export function windowedSkips(skipped: readonly string[], w: LogitsWindow | null | undefined): string[] {
	return [...new Set([...skipped, ...(w?.outputs ?? [])])];
}
