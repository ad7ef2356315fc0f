// Which captured tensors hold -inf (or a large negative) by design: the attention masks and the
// masked scores on their way into a Softmax (seed-notes: causal masks). Health counts those values
// as "masked", never as anomalies.
//
// For each recognized attention: the mask op is the node on the scores path (QK MatMul -> Softmax)
// that reads a mask operand. Masked by design are
//   - every tensor from the mask op's output to the Softmax input (scale, reshape after masking), and
//   - the mask side: the mask op's other inputs and everything they are computed from, except what
//     Q/K themselves come from (so a -inf in Q or K is never excused).
import type { Graph } from '../onnx/graph.js';
import type { AttentionInfo, Structure } from '../analysis/types.js';

/** Tensors `name` is computed from, itself included. */
function ancestors(graph: Graph, name: string): Set<string> {
	const seen = new Set<string>([name]);
	const todo = [name];
	while (todo.length) {
		const p = graph.producer.get(todo.pop()!);
		if (!p) continue;
		for (const i of p.inputs)
			if (i && !seen.has(i)) {
				seen.add(i);
				todo.push(i);
			}
	}
	return seen;
}

/** Tensors computed from `from` that `to` is computed from: the path between them, both ends included. */
function between(graph: Graph, from: string, toAncestors: Set<string>): Set<string> {
	const path = new Set<string>();
	if (!toAncestors.has(from)) return path;
	path.add(from);
	const todo = [from];
	while (todo.length)
		for (const c of graph.consumersOf(todo.pop()!))
			for (const o of c.outputs)
				if (o && toAncestors.has(o) && !path.has(o)) {
					path.add(o);
					todo.push(o);
				}
	return path;
}

function maskedOf(graph: Graph, a: AttentionInfo, out: Set<string>): void {
	const toScores = ancestors(graph, a.scores);
	const fromQk = ancestors(graph, a.qk);
	const path = between(graph, a.qk, toScores); // QK MatMul -> Softmax input
	for (const m of a.masks) {
		// The mask op reads the mask and a tensor of this attention's scores path (not an earlier layer's).
		const op = graph.consumersOf(m.tensor).find((n) => n.outputs.some((o) => path.has(o)) && n.inputs.some((i) => path.has(i)));
		if (!op) continue;
		// The mask side: what the mask op reads besides the scores, and what that was built from.
		for (const i of op.inputs)
			if (i && !path.has(i) && !fromQk.has(i)) for (const t of ancestors(graph, i)) if (!fromQk.has(t) && !path.has(t)) out.add(t);
		// The scores path from the mask op's output up to and including the Softmax input.
		for (const o of op.outputs) if (path.has(o)) for (const t of between(graph, o, path)) out.add(t);
	}
}

export function maskedByDesign(graph: Graph, structure: Structure | null): Set<string> {
	const out = new Set<string>();
	for (const a of structure?.attention ?? []) if (a.masked || a.masks.length) maskedOf(graph, a, out);
	return out;
}
