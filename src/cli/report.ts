// The `--json` object. Other tools parse it: fields are only ever added, never renamed.
// Each section contributes top-level fields; later issues add theirs (stats, health) to SECTIONS.
import type { InspectResult } from './run.js';
import { healthOf, statsOf } from './check.js';
import { graphModelInfo } from '../lib/report/model-info.js';
import { derivedEntries } from '../lib/derive/index.js';
import { mlpReports, modelHeadScores } from '../lib/report/index.js';

export type Section = (r: InspectResult) => Record<string, unknown>;

/** backend, capture, inputs, outputs, tensors (with hook): the foundation's contract. */
const core: Section = (r) => ({
	model: r.path,
	env: 'node',
	backend: r.backend,
	threads: r.threads,
	capture: r.capture,
	exposed: r.exposed.length,
	inputs: r.graph.inputs.map((v) => {
		const t = r.feeds[v.name];
		return { name: v.name, dims: t.dims, dtype: t.dtype };
	}),
	outputs: r.graph.outputs.map((o) => o.name),
	tokens: r.tokens,
	token_ids: r.tokenIds,
	external_data: r.externalData,
	tensors: [...r.store].map((t) => ({ name: t.name, dims: t.dims, dtype: t.dtype, hook: r.recognition.hookOf(t.name) })),
	ms: { load: round(r.ms.load), run: round(r.ms.run) }
});

/** variant, layers, final_norm, unrecognized (recognition issue). */
const recognition: Section = (r) => ({ ...r.recognition.json });

/**
 * layers[i].stats = { norms, resid }, layers[i].attention.head_scores, layers[i].mlp and final_norm_stats. Rebuilds `layers` from the
 * recognition section with `stats` added, so it must come after it.
 */
const stats: Section = (r) => {
	const s = statsOf(r);
	const st = r.recognition.structure;
	const scores = st ? modelHeadScores(st, r.store, r.tokenIds) : [];
	const mlps = st ? mlpReports(r.graph, st, r.store) : [];
	return {
		layers: r.recognition.json.layers.map((L, i) => ({
			...L,
			attention: L.attention ? { ...L.attention, head_scores: scores[i] ?? null } : null,
			mlp: mlps[i] ?? null,
			stats: s?.layers[i] ?? null
		})),
		final_norm_stats: s?.final_norm ?? null
	};
};

/** health: NaN/Inf, softmax rows, norms below eps, fp16 range, fusions. */
const healthSection: Section = (r) => ({ health: healthOf(r) });

/** model_info: the folder, tokenizer, KV caches and merged decoder (other sections add their fields beside). */
const modelInfo: Section = (r) => ({ model_info: r.modelInfo });

/** model_info's quantization, float_type, fused_ops; derived tensors with their self-check */
const fused: Section = (r) => ({
	model_info: graphModelInfo(r.graph),
	derived: derivedEntries(r.store).map((d) => ({
		name: d.name,
		kind: d.kind,
		op: d.op,
		self_check: d.selfCheck,
		tolerance: d.tolerance,
		skipped: d.skipped
	}))
});

export const SECTIONS: Section[] = [core, recognition, stats, healthSection, modelInfo, fused];

export function buildReport(r: InspectResult, sections: readonly Section[] = SECTIONS): Record<string, unknown> {
	// model_info is shared: each section's fields are merged into one object.
	const out: Record<string, unknown> = {};
	for (const part of sections.map((s) => s(r)))
		for (const [k, v] of Object.entries(part)) out[k] = k === 'model_info' && out[k] && v ? { ...(out[k] as object), ...(v as object) } : v;
	return out;
}

function round(ms: number): number {
	return Math.round(ms * 10) / 10;
}
