// Where the attention patterns are. The recognizer (src/lib/analysis) answers first, per layer;
// when it finds none (or fails), every Softmax output in graph order whose captured dims are
// [1, H, S, S] stands in, layer k being the k-th such tensor. Only names and dims are needed, so
// the worker can answer again (overrides) after the tensors themselves went to the page.
import type { Structure } from '../analysis/index.js';
import type { Graph } from '../onnx/index.js';
import type { AttentionRef } from './protocol.js';

/** Captured tensors by name, dims only (a TensorStore is one). */
export interface DimsLookup {
	get(name: string): { dims: readonly number[] } | undefined;
}

/** The softmax input, when it was captured with the pattern's dims (it shows which cells are masked). */
function scoresOf(store: DimsLookup, name: string, dims: readonly number[]): string | null {
	const s = store.get(name);
	return s && s.dims.length === dims.length && s.dims.every((d, i) => d === dims[i]) ? name : null;
}

export function softmaxPatterns(graph: Graph, store: DimsLookup): AttentionRef[] {
	const out: AttentionRef[] = [];
	for (const n of graph.nodes) {
		if (n.opType !== 'Softmax' || n.domain !== '') continue;
		const t = store.get(n.outputs[0]);
		if (t && t.dims.length === 4 && t.dims[0] === 1 && t.dims[2] === t.dims[3])
			out.push({ layer: out.length, tensor: n.outputs[0], masked: null, scores: scoresOf(store, n.inputs[0], t.dims) });
	}
	return out;
}

/** Patterns the recognizer placed in layers, as captured: [B, H, S, S] or heads folded [B*H, S, S]. */
export function recognizedPatterns(s: Structure, store: DimsLookup): AttentionRef[] {
	const out: AttentionRef[] = [];
	for (const L of s.layers) {
		const a = L.attention;
		const t = a && store.get(a.pattern);
		if (!a || !t) continue;
		const [q, k] = t.dims.slice(-2);
		if ((t.dims.length === 4 && t.dims[0] === 1) || (t.dims.length === 3 && a.layout === 'BH,S,S'))
			if (q > 0 && k > 0)
				out.push({
					layer: L.index,
					tensor: a.pattern,
					masked: a.masked,
					scores: scoresOf(store, a.scores, t.dims),
					op: a.op,
					derived: a.derived
				});
	}
	return out;
}

export function findPatterns(
	graph: Graph,
	s: Structure | null,
	store: DimsLookup
): { attention: AttentionRef[]; source: 'analysis' | 'softmax-heuristic' } {
	const recognized = s ? recognizedPatterns(s, store) : [];
	if (recognized.length) return { attention: recognized, source: 'analysis' };
	return { attention: softmaxPatterns(graph, store), source: 'softmax-heuristic' };
}
