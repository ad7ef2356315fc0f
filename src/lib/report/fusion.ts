// Exposing an intermediate makes it a graph output, and ORT does not fuse a subgraph whose inner
// tensors are outputs: a decomposed LayerNorm/RMSNorm (ReduceMean, Sub, Pow, ...) then runs op by
// op instead of as one kernel. Same math, but the rounding can differ slightly from the model run
// without capture. The rewrite knows what it exposed; this says where that happened.
import type { Graph } from '../onnx/graph.js';
import type { Structure } from '../analysis/types.js';

export interface FusionNote {
	norm: string; // the norm's output tensor
	kind: 'layernorm' | 'rmsnorm';
	exposed: number; // inner tensors of the norm that the capture exposed
	why: string;
}

export function brokenFusions(graph: Graph, structure: Structure | null, exposed: readonly string[]): FusionNote[] {
	const out: FusionNote[] = [];
	const ex = new Set(exposed);
	for (const n of structure?.norms ?? []) {
		if (n.form !== 'decomposed' || n.kind === 'dyt') continue; // ORT has no fused DyT
		let k = 0;
		for (const i of n.nodes) for (const o of graph.nodes[i]?.outputs ?? []) if (o && o !== n.last && o !== n.output && ex.has(o)) k++;
		if (!k) continue;
		const op = n.kind === 'layernorm' ? 'LayerNormalization' : 'SimplifiedLayerNormalization';
		out.push({
			norm: n.output,
			kind: n.kind,
			exposed: k,
			why: `exposing ${k} inner tensor${k === 1 ? '' : 's'} of the decomposed ${n.kind === 'layernorm' ? 'LayerNorm' : 'RMSNorm'} "${n.output}" keeps ORT from fusing it into ${op}; its values can differ slightly from the model run without capture`
		});
	}
	return out;
}
