// The residual-flow chart under summary capture. The chart draws per-token L2 norms of each block's
// stream tensors (input, the adds' outputs, the branches: plan.ts flowNames) and ratios of those
// norms; exposing the tensors themselves costs [1, S, D] each for the whole run (GPT-2 small at
// 2048 tokens: 50 of them, 300 MiB). Here appended nodes reduce each to its norms [B, S]
// (ReduceL2 over the last axis, cast to float32) and the shown layer's stream tensors come whole,
// one output per role picked in the graph (long-shown.ts). Each norm runs before the next layer's
// attention output (long-order.ts via `deps`), so the stream is freed where it always was.
import type { NodeProto, TensorProto } from '../onnx/gen/onnx_pb.js';
import { DT, node, tensorI64 } from '../onnx/build.js';
import { upstream, type Graph } from '../onnx/graph.js';
import type { Layer, Structure } from '../analysis/types.js';
import { chainRoles } from './long-shown.js';
import type { SummaryGraph } from './long.js';

/** A norm output's name is this prefix and the tensor's own name. */
export const NORM_PREFIX = 'blockscope.norm.';

/** A block's stream tensors by role, each once (the first role that names it). */
export function flowRoles(L: Layer): [string, string][] {
	const out: [string, string][] = [];
	const seen = new Set<string>();
	const put = (role: string, t: string | null | undefined) => {
		if (!t || seen.has(t)) return;
		seen.add(t);
		out.push([role, t]);
	};
	put('input', L.input);
	put('output', L.output);
	for (const r of L.residuals) {
		const p = `${r.sublayer}.`;
		put(`${p}output`, r.output);
		put(`${p}stream`, r.stream);
		put(`${p}base`, r.base);
		put(`${p}branch`, r.branch);
		put(`${p}attn_part`, r.attnPart);
		put(`${p}mlp_part`, r.mlpPart);
	}
	return out;
}

/**
 * Appends the norm of every stream tensor the chart reads (outputs `NORM_PREFIX + name`) and one
 * chained output per stream role for the shown layer. Returns the tensors that need not be exposed
 * any more: every stream tensor of a role present in two layers or more.
 */
export function streamNorms(graph: Graph, s: Structure, g: SummaryGraph, exposed: ReadonlySet<string>): Set<string> {
	// ReduceL2 takes a negative axis from opset 11.
	if (graph.opset < 11) return new Set();
	const known = new Set(graph.nodes.flatMap((n) => n.outputs));
	const byRole = new Map<string, Record<number, string>>();
	const tensors = new Set<string>();
	for (const L of s.layers)
		for (const [role, t] of flowRoles(L)) {
			if (!known.has(t) || !exposed.has(t)) continue;
			tensors.add(t);
			const r = byRole.get(role) ?? {};
			r[L.index] = t;
			byRole.set(role, r);
		}
	if (!tensors.size) return new Set();
	// Each layer's attention output and what it is computed from: a norm waits in the first layer
	// whose attention reads its tensor (so the wait never holds the tensor longer than the model does).
	const waits = g.layers.flatMap((L) => {
		const z = graph.consumersOf(L.pattern).find((c) => c.opType === 'MatMul' && c.inputs[0] === L.pattern)?.outputs[0];
		return z ? [{ L, up: upstream(graph, z) }] : [];
	});
	const nodes: NodeProto[] = [];
	const initializers: TensorProto[] = [];
	const axes = `${NORM_PREFIX}c.axes`;
	if (graph.opset >= 18) initializers.push(tensorI64(axes, [1], [-1]));
	for (const t of tensors) {
		const out = `${NORM_PREFIX}${t}`;
		const raw = `${out}::l2`;
		nodes.push(
			graph.opset >= 18 ? node('ReduceL2', [t, axes], [raw], { keepdims: 0 }) : node('ReduceL2', [t], [raw], { axes: [-1], keepdims: 0 }),
			node('Cast', [raw], [out], { to: DT.FLOAT }) // (B, S)
		);
		g.outputs.push(out);
		waits.find((w) => w.up.has(t))?.L.deps.push(out);
	}
	g.nodes.push(...nodes);
	g.initializers.push(...initializers);
	const roles = chainRoles(graph, byRole, g, 'blockscope.shown.flow.');
	g.shown.push(...roles);
	return new Set(roles.flatMap((r) => Object.values(r.byLayer)));
}
