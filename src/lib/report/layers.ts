// `layers[i].stats` (the CLI's JSON): the norms of each block (in the order recognition lists them) and
// its residual stream, plus the final norm.
import type { Graph } from '../onnx/graph.js';
import type { Structure } from '../analysis/types.js';
import type { TensorStore } from '../tensor/store.js';
import { normStats, type NormStats } from './norms.js';
import { residStats, type ResidStats } from './resid.js';

export interface LayerStats {
	norms: NormStats[];
	resid: ResidStats;
}

export interface ModelStats {
	layers: LayerStats[];
	final_norm: NormStats | null;
}

export function modelStats(structure: Structure, store: TensorStore, graph: Graph): ModelStats {
	return {
		layers: structure.layers.map((L) => ({ norms: L.norms.map((n) => normStats(n, store, graph)), resid: residStats(L, store) })),
		final_norm: structure.finalNorm ? normStats(structure.finalNorm, store, graph) : null
	};
}
