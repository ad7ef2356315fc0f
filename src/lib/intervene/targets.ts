// Intervention -> the graph tensor it replaces, from the recognized structure.
import type { Graph } from '../onnx/graph.js';
import type { Structure } from '../analysis/types.js';
import { displayName } from '../onnx/errors.js';
import { headSite } from './heads.js';
import { InterventionError, specOf, type Intervention, type Target } from './types.js';

function layerOf(s: Structure, layer: number, what: string) {
	const L = s.layers[layer];
	if (!L)
		throw new InterventionError(`${what}: the model has ${s.layers.length} recognized blocks (0..${s.layers.length - 1}), not ${layer}`);
	return L;
}

function zTarget(g: Graph, s: Structure, layer: number, what: string): Target {
	const L = layerOf(s, layer, what);
	// A fused op's output is z with heads side by side, [B, S, H*Dh], what the output projection reads.
	const f = L.attention?.fused;
	if (f) return { tensor: f.output, heads: { count: f.numHeads, layout: 'BS,HD' } };
	const site = headSite(g, s, L);
	if ('why' in site) throw new InterventionError(`${what}: ${site.why}`);
	return { tensor: site.z, heads: { count: site.heads, layout: site.layout } };
}

/** The branch tensor block `layer` adds to the stream for its attention or MLP. */
function branchTensor(s: Structure, layer: number, branch: 'attn' | 'mlp', what: string): string {
	const L = layerOf(s, layer, what);
	for (const r of L.residuals) {
		if (r.sublayer === branch) return r.branch;
		if (r.sublayer === 'both') {
			const part = branch === 'attn' ? r.attnPart : r.mlpPart;
			if (part) return part;
		}
	}
	throw new InterventionError(
		`${what}: block ${layer}'s ${branch === 'attn' ? 'attention' : 'MLP'} branch was not recognized (no residual add carries it)`
	);
}

/** A hook name (TransformerLens style, or blocks.L.attn.hook_z) or, failing that, an ONNX tensor name. */
export function hookTarget(g: Graph, s: Structure, hook: string): Target {
	const z = /^blocks\.(\d+)\.attn\.hook_z$/.exec(hook);
	if (z) return zTarget(g, s, Number(z[1]), hook);
	const tensor = s.hookTensors.get(hook) ?? (g.producer.has(hook) || g.inputs.some((i) => i.name === hook) ? hook : null);
	if (!tensor)
		throw new InterventionError(
			`no hook or tensor named "${displayName(hook, 80)}" (hooks look like blocks.0.hook_resid_mid or blocks.1.attn.hook_z; --json lists each tensor's hook)`
		);
	const per = /^blocks\.(\d+)\.attn\.hook_(pattern|attn_scores)$/.exec(hook);
	const a = per ? s.layers[Number(per[1])]?.attention : null;
	return { tensor, heads: a && a.heads && a.layout ? { count: a.heads, layout: a.layout } : null };
}

export function targetOf(g: Graph, s: Structure, iv: Intervention): Target {
	const what = specOf(iv);
	switch (iv.kind) {
		case 'ablate': {
			const t = zTarget(g, s, iv.layer, `ablate ${what}`);
			if (iv.head < 0 || iv.head >= t.heads!.count)
				throw new InterventionError(`ablate ${what}: block ${iv.layer} has ${t.heads!.count} heads (0..${t.heads!.count - 1})`);
			return t;
		}
		case 'zero':
			return { tensor: branchTensor(s, iv.layer, iv.branch, `zero ${what}`), heads: null };
		case 'patch':
			return hookTarget(g, s, iv.hook);
	}
}
