// Tensors recognition names but the graph never holds (a fused attention's pattern, a Skip op's
// hidden stream sum, EmbedLayerNormalization's embedding sum), computed from the captured operands
// after the run and added to the store under their derived names, so the heatmap, stats, dump and
// npz see them. Each pattern carries its self-check: pattern @ V against the op's own output.
import type { AttentionInfo, Structure } from '../analysis/types.js';
import type { Graph } from '../onnx/graph.js';
import type { TensorStore } from '../tensor/store.js';
import { msAttention } from './attention.js';
import { qAttention } from './quant.js';
import { gqa } from './gqa.js';
import { mha } from './mha.js';
import { onnxAttention } from './onnx-attention.js';
import { skipSumOf } from './skip.js';
import { embedSumOf } from './embed.js';
import type { DerivedPattern } from './types.js';

/** Above this, the recovered pattern does not explain the op's output: a warning, not a pass. */
export const SELF_CHECK_TOL = 1e-3;

/**
 * The self-check's tolerance for an op computing in `dtype`. float16 rounds every value to 11
 * significant bits (relative 2^-11 ~ 4.9e-4), and Q, K, V and the output are each rounded once,
 * on outputs of magnitude up to a few units: 1e-2. bfloat16 keeps 8 bits, 8 times coarser.
 */
export function selfCheckTolerance(dtype: string | null | undefined): number {
	return dtype === 'float16' ? 1e-2 : dtype === 'bfloat16' ? 8e-2 : SELF_CHECK_TOL;
}

export interface DerivedEntry {
	name: string;
	kind: 'pattern' | 'skip-sum' | 'embed-sum';
	op: string;
	/** Patterns: max |pattern @ V - op output|; null when not computed or the output was not captured. */
	selfCheck: number | null;
	/** Above it the self-check is a warning: by the dtype the op computes in (selfCheckTolerance). */
	tolerance: number;
	/** Why it could not be computed; null when it was. */
	skipped: string | null;
}

const byStore = new WeakMap<TensorStore, DerivedEntry[]>();

/** What deriveTensors did for this store (empty when nothing was derived). */
export function derivedEntries(store: TensorStore): DerivedEntry[] {
	return byStore.get(store) ?? [];
}

export function deriveTensors(graph: Graph, structure: Structure | null, store: TensorStore): DerivedEntry[] {
	const out: DerivedEntry[] = [];
	byStore.set(store, out);
	for (const d of structure?.derived ?? []) {
		const op = graph.nodes[d.node].opType;
		if (d.kind !== 'pattern') {
			const n = graph.nodes[d.node];
			const r = d.kind === 'skip-sum' ? skipSumOf(graph, store, n) : embedSumOf(graph, store, n);
			if (typeof r !== 'string') store.add({ name: d.name, dims: r.dims, dtype: 'float32', data: r.data });
			out.push({ name: d.name, kind: d.kind, op, selfCheck: null, tolerance: SELF_CHECK_TOL, skipped: typeof r === 'string' ? r : null });
			continue;
		}
		const a = structure!.attention.find((x) => x.pattern === d.name);
		const r = a ? patternOf(graph, store, a) : 'no attention recognized for it';
		if (typeof r !== 'string') store.add({ name: d.name, dims: r.dims, dtype: 'float32', data: r.data });
		const tolerance = selfCheckTolerance(a ? store.get(a.fused!.output)?.dtype : null);
		out.push({
			name: d.name,
			kind: d.kind,
			op,
			selfCheck: typeof r === 'string' ? null : r.selfCheck,
			tolerance,
			skipped: typeof r === 'string' ? r : null
		});
	}
	return out;
}

function patternOf(graph: Graph, store: TensorStore, a: AttentionInfo): DerivedPattern | string {
	const f = a.fused!;
	try {
		if (f.domain === 'com.microsoft' && a.op === 'Attention') return msAttention(graph, store, f);
		if (a.op === 'QAttention') return qAttention(graph, store, f);
		if (a.op === 'GroupQueryAttention') return gqa(graph, store, f);
		if (a.op === 'MultiHeadAttention') return mha(graph, store, f);
		if (f.domain === '' && a.op === 'Attention') return onnxAttention(graph, store, f);
		return `${a.op}: recomputing its pattern is not implemented yet`;
	} catch (e) {
		return `${a.op}: ${(e as Error).message}`;
	}
}

export type { DerivedPattern };
