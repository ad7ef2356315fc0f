// The whole recognition, in order: norms and attention patterns (local pattern matches), residual
// adds (need attention to know their sublayer), streams and blocks (need norms to link
// post-norm adds), placement and variant, then hook names. Overrides enter at each stage.
import type { Graph } from '../onnx/graph.js';
import type { AttentionInfo, DerivedTensor, ModelVariant, NormInfo, Note, Override, ResidualInfo, Structure } from './types.js';
import { Ctx } from './walk.js';
import { findNorms } from './norms.js';
import { findAttention } from './attention.js';
import { findResiduals } from './residual.js';
import { chainResiduals, groupBlocks, layerHint } from './layers.js';
import { place, toLayers, type BlockDraft } from './placement.js';
import { buildHooks } from './hooks.js';
import { addMlpHooks } from './activation.js';
import { overrideAttention, overrideLayers, overrideNorms, overrideResiduals, validOverrides } from './overrides.js';

export function analyze(graph: Graph, overrides: readonly Override[] = []): Structure {
	const ctx = new Ctx(graph);
	const unrecognized: Note[] = [];
	const ambiguities: Note[] = [];
	const ov = validOverrides(ctx, overrides, unrecognized);

	const fn = findNorms(ctx);
	unrecognized.push(...fn.unrecognized);
	const norms = overrideNorms(ctx, fn.norms, ov, unrecognized);

	const fa = findAttention(ctx);
	unrecognized.push(...fa.unrecognized);
	ambiguities.push(...fa.ambiguities);
	const attention = overrideAttention(ctx, fa.attention, ov, unrecognized, ambiguities);

	const residuals = overrideResiduals(ctx, findResiduals(ctx, attention), attention, ov, unrecognized);
	const chains = chainResiduals(ctx, residuals, norms, ambiguities);
	if (chains.length > 1)
		ambiguities.push({
			what: 'residual stream',
			why: `${chains.length} separate streams (encoder-decoder, or a link recognition could not follow); their blocks are listed one stream after the other`
		});
	const streams = chains.map((c) => groupBlocks(ctx, c, ambiguities));
	const placed = place(ctx, streams, norms, attention);
	unrecognized.push(...placed.unplaced);
	ambiguities.push(...placed.ambiguities);

	let drafts: BlockDraft[] = placed.drafts;
	if (!residuals.length)
		unrecognized.push({
			what: 'residual stream',
			why: 'no residual add found (an Add of the stream and a branch computed from it through a MatMul)'
		});
	if (!drafts.length && attention.length) {
		// No stream to group by: one block per attention, so patterns are still reachable.
		drafts = attention.map((a) => ({ residuals: [], norms: [], attention: a })); // blocks follow the patterns
	}
	overrideLayers(drafts, attention, norms, residuals, ov, unrecognized);
	const layers = toLayers(ctx, drafts);

	const inLayers = new Set(layers.map((L) => L.attention));
	for (const a of attention)
		if (!inLayers.has(a))
			unrecognized.push({ what: `attention "${a.pattern}"`, why: 'not inside any residual branch, so it belongs to no block' });
	for (const r of residuals)
		if (!layers.some((L) => L.residuals.includes(r)))
			unrecognized.push({ what: `residual add "${r.output}"`, why: 'not part of any block' });
	for (const L of layers)
		if (L.variant === 'unknown') unrecognized.push({ what: `block ${L.index} placement`, why: L.reason ?? 'unknown' });
	checkHints(layers, ambiguities);
	if (!attention.length && graph.nodes.length) unrecognized.push({ what: 'attention', why: noAttentionReason(ctx) });

	const hooks = buildHooks(ctx, layers, placed.finalNorm, placed.embedNorm);
	addMlpHooks(ctx, layers, hooks);
	return {
		derived: derivedTensors(attention, residuals, norms),
		variant: modelVariant(layers.map((L) => L.variant)),
		layers,
		finalNorm: placed.finalNorm,
		embedNorm: placed.embedNorm,
		attention,
		norms,
		residuals,
		...hooks,
		unrecognized,
		ambiguities
	};
}

/** Why a graph has no attention pattern, for models that are not transformers (an MLP, a CNN). */
function noAttentionReason(ctx: Ctx): string {
	const ops = ctx.g.nodes.map((n) => n.opType);
	const fused = ops.filter((op) => /Attention$/.test(op)).length;
	const softmax = ops.filter((op) => op === 'Softmax').length;
	if (fused) return `no attention found: ${fused} fused attention op${fused === 1 ? '' : 's'} could not be read (see the notes above)`;
	if (!softmax)
		return 'no attention found: the graph has no Softmax, so nothing computes an attention pattern (softmax of Q·K^T scores); it may not be a transformer';
	return `no attention found: ${softmax === 1 ? 'its one Softmax does' : `none of its ${softmax} Softmax nodes does`} not normalize Q·K^T scores (see the note${softmax === 1 ? '' : 's'} above)`;
}

/** What src/lib/derive computes after a run: fused attention patterns, hidden Skip sums and embedding sums. */
function derivedTensors(attention: AttentionInfo[], residuals: ResidualInfo[], norms: NormInfo[]): DerivedTensor[] {
	const out: DerivedTensor[] = [];
	for (const a of attention) if (a.derived && a.fused) out.push({ name: a.pattern, kind: 'pattern', node: a.fused.node });
	for (const r of residuals) if (r.recomputed) out.push({ name: r.output, kind: 'skip-sum', node: r.node });
	for (const n of norms)
		if (/^Q?EmbedLayerNormalization$/.test(n.op ?? '') && n.input.startsWith('derived::'))
			out.push({ name: n.input, kind: 'embed-sum', node: n.nodes[0] });
	return out.sort((a, b) => a.node - b.node);
}

function modelVariant(vs: ModelVariant[]): ModelVariant {
	if (!vs.length) return 'unknown';
	return vs.every((v) => v === vs[0]) ? vs[0] : 'mixed';
}

/** Names and topology should tell the same story; say so where they do not. */
function checkHints(layers: { index: number; nameHint: number | null }[], ambiguities: Note[]): void {
	const known = layers.filter((L) => L.nameHint !== null);
	if (!known.length) return;
	const offset = known[0].nameHint! - known[0].index;
	for (const L of known)
		if (L.nameHint! - L.index !== offset)
			ambiguities.push({
				what: `block ${L.index}`,
				why: `its node names say layer ${L.nameHint}, topology says block ${L.index}${offset ? ` (names start at ${offset})` : ''}`
			});
}

export { layerHint };
