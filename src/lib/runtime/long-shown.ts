// The shown layer's tensors under summary capture, picked in the graph. ORT holds every exposed
// output until a run ends, fetched or not, so exposing each layer's residual and norm tensors to
// fetch one layer's costs all of them (GPT-2 small at 2048 tokens: 60 MiB a layer, 720 MiB). Here
// each role (the hook name less `blocks.N.`) gets one output: a Where chain on the layer input
// keeps the shown layer's tensor, and layer l+1's attention waits for layer l's link (long-order.ts
// via `deps`), so one tensor per role is alive at a time. The worker gives it back its own name.
import type { NodeProto, TensorProto } from '../onnx/gen/onnx_pb.js';
import { node, tensorI64 } from '../onnx/build.js';
import { upstream, type Graph } from '../onnx/graph.js';
import type { Structure } from '../analysis/types.js';
import { LAYER_INPUT, type SummaryGraph } from './long.js';

/** One role's output and the tensor it stands for in each layer. */
export interface ShownRole {
	output: string;
	byLayer: Record<number, string>;
}

/** Whether `from` is computed from `target` (then `target` must not wait for `from`). */
export function dependsOn(graph: Graph, from: string, target: string): boolean {
	return upstream(graph, from).has(target);
}

/**
 * Moves roles present in two layers or more out of `perLayer` into chained outputs appended to `g`
 * (nodes, outputs, deps). Returns the roles; `perLayer` keeps what is fetched as it is.
 */
export function pickShown(graph: Graph, s: Structure, perLayer: string[][], g: SummaryGraph): ShownRole[] {
	const byRole = new Map<string, Record<number, string>>();
	perLayer.forEach((names, l) => {
		for (const t of names) {
			const m = /^blocks\.(\d+)\.(.+)$/.exec(s.hooks.get(t) ?? '');
			if (!m || Number(m[1]) !== l) continue;
			const r = byRole.get(m[2]) ?? {};
			if (r[l] === undefined) r[l] = t;
			byRole.set(m[2], r);
		}
	});
	const roles = chainRoles(graph, byRole, g, 'blockscope.shown.');
	for (const r of roles)
		for (const t of new Set(Object.values(r.byLayer)))
			for (const names of perLayer) names.splice(0, names.length, ...names.filter((n) => n !== t));
	return roles;
}

/**
 * One output per role (`prefix` + role) for roles present in two layers or more: a Where chain on
 * the layer input, appended to `g` (nodes, initializers, outputs, deps). Returns the chained roles.
 */
export function chainRoles(graph: Graph, byRole: Map<string, Record<number, string>>, g: SummaryGraph, prefix: string): ShownRole[] {
	const roles: ShownRole[] = [];
	const nodes: NodeProto[] = [];
	const initializers: TensorProto[] = [];
	// The layer tests are shared between calls.
	const equal = new Set(g.nodes.filter((n) => n.opType === 'Equal').map((n) => n.output[0]));
	for (const [role, byLayer] of byRole) {
		const layers = Object.keys(byLayer)
			.map(Number)
			.sort((a, b) => a - b);
		if (layers.length < 2) continue;
		const out = `${prefix}${role}`;
		let chain = byLayer[layers[0]];
		const links: [number, string][] = [[layers[0], chain]];
		for (const l of layers.slice(1)) {
			const is = `blockscope.shown.is.${l}`;
			if (!equal.has(is)) {
				equal.add(is);
				initializers.push(tensorI64(`${is}.index`, [1], [l]));
				nodes.push(node('Equal', [LAYER_INPUT, `${is}.index`], [is]));
			}
			const next = l === layers.at(-1) ? out : `${out}.${l}`;
			nodes.push(node('Where', [is, byLayer[l], chain], [next]));
			chain = next;
			links.push([l, next]);
		}
		roles.push({ output: out, byLayer });
		// Layer l+1's attention waits for layer l's link, where that makes no cycle.
		for (const [l, link] of links) {
			const next = g.layers.find((L) => L.layer > l);
			const z = next && graph.consumersOf(next.pattern).find((c) => c.opType === 'MatMul' && c.inputs[0] === next.pattern)?.outputs[0];
			if (next && z && !dependsOn(graph, byLayer[l], z)) next.deps.push(link);
		}
	}
	g.nodes.push(...nodes);
	g.initializers.push(...initializers);
	g.outputs.push(...roles.map((r) => r.output));
	return roles;
}
