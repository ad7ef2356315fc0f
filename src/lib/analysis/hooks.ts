// TransformerLens-style names for recognized tensors, and the "semantic" capture set.
// Hooks keep TransformerLens's identities: resid_mid = resid_pre + attn_out, and block i's
// resid_post is block i+1's resid_pre (the same tensor). In a post-norm block the stream after
// each add is the norm's output, so resid_mid / resid_post name the norm outputs there; the raw
// sums get `lnN.hook_in`. One tensor can carry several hooks: `hooks` maps it to the most
// specific one (by PRIORITY), `hookTensors` keeps every alias.
import type { Layer, NormInfo, PlacedNorm } from './types.js';
import type { Ctx } from './walk.js';
import { isSkipNorm } from './skip.js';
import { isEmbedNorm } from './embed.js';
import { fusedPresentHooks, presentHook } from './kv-names.js';

const PRIORITY = [
	'attn.hook_pattern',
	'attn.hook_attn_scores',
	'hook_normalized',
	'hook_scale',
	'hook_attn_out',
	'hook_mlp_out',
	'hook_resid_mid',
	'hook_resid_post',
	'hook_resid_pre',
	'hook_in'
];

function rank(hook: string): number {
	const i = PRIORITY.findIndex((p) => hook.endsWith(p));
	return i < 0 ? PRIORITY.length : i;
}

export interface Hooks {
	hooks: Map<string, string>;
	hookTensors: Map<string, string>;
	semantic: string[];
}

export function buildHooks(ctx: Ctx, layers: Layer[], finalNorm: PlacedNorm | null, embedNorm: NormInfo | null): Hooks {
	const hookTensors = new Map<string, string>();
	const semantic = new Set<string>();
	const name = (hook: string, t: string | null | undefined) => {
		if (!t) return;
		if (!hookTensors.has(hook)) hookTensors.set(hook, t);
		semantic.add(t);
	};
	const hidden = new Map<string, string>(); // a norm's own tensor behind the graph output it feeds
	const norm = (prefix: string, n: NormInfo) => {
		name(`${prefix}.hook_normalized`, n.output);
		if (n.output !== n.last) {
			semantic.add(n.last);
			hidden.set(n.last, n.output);
		}
		if (n.scale) name(`${prefix}.hook_scale`, n.scale);
		name(`${prefix}.hook_in`, n.input);
	};
	for (const L of layers) {
		const b = `blocks.${L.index}`;
		name(`${b}.hook_resid_pre`, L.input);
		const attnNorms = L.norms.filter((n) => n.sublayer !== 'mlp');
		const mlpNorms = L.norms.filter((n) => n.sublayer === 'mlp');
		// ln1 goes with attention (or both), ln2 with the MLP; a block with two MLP-side norms numbers on.
		const ordered = [...attnNorms, ...mlpNorms];
		ordered.forEach((n, i) => norm(`${b}.ln${i + 1}`, n));
		if (L.attention) {
			if (!L.attention.derived) name(`${b}.attn.hook_attn_scores`, L.attention.scores);
			name(`${b}.attn.hook_pattern`, L.attention.pattern);
			const f = L.attention.fused;
			if (f) for (const [h, t] of fusedPresentHooks(ctx.g.nodes[f.node], L.index)) name(h, t);
		}
		for (const r of L.residuals) {
			if (r.sublayer === 'both') {
				name(`${b}.hook_attn_out`, r.attnPart);
				name(`${b}.hook_mlp_out`, r.mlpPart);
			} else name(r.sublayer === 'attn' ? `${b}.hook_attn_out` : `${b}.hook_mlp_out`, r.branch);
			semantic.add(r.stream);
			semantic.add(r.branch);
			semantic.add(r.output);
		}
		if (L.residuals.length >= 2) {
			// The stream the second add reads: the first add's output, or (post-norm) its norm's output.
			name(`${b}.hook_resid_mid`, L.residuals[1].base);
		}
		name(`${b}.hook_resid_post`, L.output);
	}
	if (embedNorm) norm('ln_embed', embedNorm);
	if (finalNorm) norm('ln_final', finalNorm);
	// A KV-cache model's present.* outputs: the layer's keys and values.
	for (const o of ctx.g.outputs) {
		const h = presentHook(o.name, layers.length);
		if (h) name(h, o.name);
	}
	// Aliases point at one tensor; the map from tensors picks each tensor's most specific name.
	const hooks = new Map<string, string>();
	for (const [hook, t] of hookTensors) {
		const cur = hooks.get(t);
		if (cur === undefined || rank(hook) < rank(cur)) hooks.set(t, hook);
	}
	for (const [own, pub] of hidden) {
		const h = hooks.get(pub);
		if (h && !hooks.has(own)) hooks.set(own, h);
	}
	const order = new Map<string, number>();
	for (const i of ctx.g.inputs) order.set(i.name, -1);
	for (const n of ctx.g.nodes) for (const o of n.outputs) if (o && !order.has(o)) order.set(o, n.index);
	// A fused attention's pattern and a hidden Skip sum are recomputed from the op's inputs and checked against its output.
	const opInputs = (ts: string[]) => ts.filter((t) => t && ctx.isAct(t)).forEach((t) => semantic.add(t));
	for (const a of layers.map((L) => L.attention)) if (a?.fused) opInputs([...a.fused.inputs, a.fused.output]);
	for (const n of ctx.g.nodes) if (isSkipNorm(n) || isEmbedNorm(n)) opInputs(n.inputs);
	const sem = [...semantic].filter((t) => order.has(t)).sort((a, b) => order.get(a)! - order.get(b)!);
	return { hooks, hookTensors, semantic: sem };
}
