// The norm and residual statistics where the graph is not at hand (the page), with the same
// functions as the inspect CLI's layers[i].stats. The worker has the graph and the recognized
// structure, the page has the tensors: the worker sends a plan (the blocks' norms and residual
// adds, and the gamma/beta summaries read from the initializers), the page computes the statistics
// from the tensors it holds. The plan rides in the worker's StructureInfo, so role overrides update it.
import type { Graph } from '../onnx/index.js';
import type { Layer, NormInfo, PlacedNorm, Structure } from '../analysis/index.js';
import type { TensorStore } from '../tensor/index.js';
import { normStats, type NormStats } from './norms.js';
import { residStats, type ResidStats } from './resid.js';
import { paramOf, type ParamJson } from './params.js';
import { mlpPlans, type MlpPlan } from './ffn.js';

export interface StatsPlan {
	layers: Layer[];
	finalNorm: PlacedNorm | null;
	/** gamma/beta summaries by initializer name (the page has no graph to read them from). */
	params: Record<string, ParamJson>;
	/** Each block's MLP activation (null where not read), for the FFN panel. */
	mlp?: (MlpPlan | null)[];
}

/** What the page needs to compute layers[i].stats; null when recognition failed. */
export function statsPlan(graph: Graph, s: Structure | null): StatsPlan | null {
	if (!s) return null;
	const params: Record<string, ParamJson> = {};
	const norms: NormInfo[] = [...s.layers.flatMap((L) => L.norms), ...(s.finalNorm ? [s.finalNorm] : [])];
	for (const n of norms)
		for (const name of [n.gamma, n.beta]) {
			if (!name || name in params) continue;
			const p = paramOf(graph, name);
			if (p) params[name] = p;
		}
	return { layers: s.layers, finalNorm: s.finalNorm, params, mlp: mlpPlans(graph, s) };
}

// normStats reads gamma/beta through graph.constantOf; on the page they come from the plan.
const NO_GRAPH = { constantOf: () => undefined } as unknown as Graph;

function pageNormStats(n: NormInfo, plan: StatsPlan, store: TensorStore): NormStats {
	const s = normStats(n, store, NO_GRAPH);
	return { ...s, gamma: (n.gamma && plan.params[n.gamma]) || null, beta: (n.beta && plan.params[n.beta]) || null };
}

/** layers[i].stats.resid for every layer (cheap: token norms of a few tensors per block; `norms`: residStats's). */
export function residOf(plan: StatsPlan, store: TensorStore, norms?: Readonly<Record<string, ArrayLike<number>>>): ResidStats[] {
	return plan.layers.map((L) => residStats(L, store, norms));
}

/** layers[layer].stats.norms (one entry per recognized norm, in order); [] outside the range. */
export function normsOf(plan: StatsPlan, layer: number, store: TensorStore): NormStats[] {
	const L = plan.layers[layer];
	return L ? L.norms.map((n) => pageNormStats(n, plan, store)) : [];
}

/** final_norm_stats, or null. */
export function finalNormOf(plan: StatsPlan, store: TensorStore): NormStats | null {
	return plan.finalNorm ? pageNormStats(plan.finalNorm, plan, store) : null;
}

/** Width of the residual stream (d_model): the last axis of the first block's input, where captured. */
export function streamWidth(plan: StatsPlan, store: TensorStore): number | null {
	for (const L of plan.layers) {
		const t = L.input ? store.get(L.input) : undefined;
		if (t && t.dims.length) return t.dims[t.dims.length - 1];
	}
	return null;
}

/** "LayerNorm 1 · pre-attn" for a block's i-th norm; "final LayerNorm" for i = null. */
export function normLabel(n: PlacedNorm | NormInfo, i: number | null): string {
	const kind = n.kind === 'layernorm' ? 'LayerNorm' : n.kind === 'rmsnorm' ? 'RMSNorm' : 'DyT';
	if (i === null) return `final ${kind}`;
	const placed = 'placement' in n ? ` · ${n.placement}-${n.sublayer}` : '';
	return `${kind} ${i + 1}${placed}`;
}
