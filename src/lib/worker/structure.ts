// Recognition as the page uses it: attention patterns per layer, how many layers to step through,
// and each captured tensor's hook name and layer. Recomputed (in the worker) when the user
// assigns roles, from names and dims alone.
import { analyze, applyHints, layerHint, type ConfigHints, type Note, type Override, type Structure } from '../analysis/index.js';
import type { Graph } from '../onnx/index.js';
import { statsPlan } from '../report/index.js';
import { findPatterns, type DimsLookup } from './attention.js';
import type { StructureInfo } from './protocol.js';

/**
 * analyze(), with a failure reported instead of thrown (the page falls back to the heuristic);
 * config.json fills what the graph leaves open, and `notes` (bodies capture cannot see into) join
 * what was not recognized, as the CLI reports them.
 */
export function tryAnalyze(
	graph: Graph,
	overrides: readonly Override[] = [],
	hints: ConfigHints | null = null,
	notes: readonly Note[] = []
): { structure: Structure | null; error: string | null } {
	try {
		const structure = analyze(graph, overrides);
		if (hints) applyHints(structure, hints);
		structure.unrecognized.push(...notes);
		return { structure, error: null };
	} catch (e) {
		return { structure: null, error: e instanceof Error ? e.message : String(e) };
	}
}

/** Tensor -> layer from what recognition placed (topology), before any name-based guess. */
function placedLayers(s: Structure): Map<string, number> {
	const out = new Map<string, number>();
	const put = (name: string | null | undefined, layer: number) => {
		if (name && !out.has(name)) out.set(name, layer);
	};
	for (const L of s.layers) {
		const a = L.attention;
		if (a) for (const n of [a.pattern, a.scores, a.qk]) put(n, L.index);
		for (const n of L.norms) for (const t of [n.output, n.last, n.scale]) put(t, L.index);
		for (const r of L.residuals) for (const t of [r.output, r.branch, r.attnPart, r.mlpPart]) put(t, L.index);
		put(L.output, L.index);
	}
	return out;
}

const BLOCK_HOOK = /^blocks\.(\d+)\./;
// Looser than the recognizer's hint (which must not guess): "layer0/...", "h3.", "block_2" too.
const LOOSE = /(?:^|[/._])(?:h|layer|layers|block|blocks)[._]?(\d+)(?=[/._]|$)/i;

function nameLayer(name: string | undefined): number | null {
	if (!name) return null;
	const m = LOOSE.exec(name);
	return layerHint(name) ?? (m ? Number(m[1]) : null);
}

export function structureInfo(
	graph: Graph,
	s: Structure | null,
	analysisError: string | null,
	store: DimsLookup,
	names: readonly string[],
	overrides: readonly Override[] = []
): StructureInfo {
	const found = findPatterns(graph, s, store);
	const placed = s ? placedLayers(s) : new Map<string, number>();
	const roles = names.map((name) => {
		const hook = s?.hooks.get(name) ?? null;
		const fromHook = hook ? BLOCK_HOOK.exec(hook) : null;
		const producer = graph.producer.get(name);
		const layer = placed.get(name) ?? (fromHook ? Number(fromHook[1]) : null) ?? nameLayer(name) ?? nameLayer(producer?.name);
		return { hook, layer };
	});
	const fromAttention = found.attention.reduce((m, a) => Math.max(m, a.layer + 1), 0);
	return {
		attentionSource: found.source,
		analysisError,
		attention: found.attention,
		layers: Math.max(s?.layers.length ?? 0, fromAttention),
		variant: s?.variant ?? null,
		roles,
		unrecognized: s?.unrecognized ?? [],
		ambiguities: s?.ambiguities ?? [],
		overrides: [...overrides],
		stats: statsPlan(graph, s),
		hookTensors: s ? [...s.hookTensors] : []
	};
}

/** Tensor name -> hook name, from a structure's roles (in the order of the result's tensors). */
export function hooksByTensor(tensors: readonly { name: string }[], roles: StructureInfo['roles'] | undefined): Map<string, string> {
	const out = new Map<string, string>();
	tensors.forEach((t, i) => {
		const h = roles?.[i]?.hook;
		if (h) out.set(t.name, h);
	});
	return out;
}
