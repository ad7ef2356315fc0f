// The CLI contract (`inspect --json`): other tools parse these fields, keep them stable.
import type { ModelVariant, Note, PlacedNorm, Structure, Sublayer } from './types.js';

export interface InspectNorm {
	kind: PlacedNorm['kind'];
	form: PlacedNorm['form'];
	input: string;
	output: string;
	placement: PlacedNorm['placement'];
	sublayer: Sublayer;
	/** The op type of a fused norm; null when decomposed (always written; optional for fixtures that predate it). */
	op?: string | null;
}

export interface InspectLayer {
	/**
	 * heads is null only where no shape, reshape or width told it (see `ambiguities`). op: the op
	 * that computes the pattern; derived: recomputed by blockscope from a fused op's Q and K;
	 * kv_heads: grouped-query attention's K/V heads (null when not grouped).
	 */
	attention: { pattern: string; heads: number | null; masked: boolean; op?: string; derived?: boolean; kv_heads?: number | null } | null;
	norms: InspectNorm[];
	/** recomputed: the stream sum is hidden inside a Skip*Normalization op and recomputed from its operands. */
	residuals: { output: string; stream: string; branch: string; sublayer: Sublayer; op?: string; recomputed?: boolean }[];
}

export interface InspectStructure {
	variant: ModelVariant;
	layers: InspectLayer[];
	final_norm: InspectNorm | null;
	unrecognized: Note[];
	/** Beyond the contract: choices recognition made where the graph allowed more than one reading. */
	ambiguities: Note[];
}

function norm(n: PlacedNorm): InspectNorm {
	return { kind: n.kind, form: n.form, input: n.input, output: n.output, placement: n.placement, sublayer: n.sublayer, op: n.op ?? null };
}

export function toInspectJson(s: Structure): InspectStructure {
	return {
		variant: s.variant,
		layers: s.layers.map((L) => ({
			attention: L.attention
				? {
						pattern: L.attention.pattern,
						heads: L.attention.heads,
						masked: L.attention.masked,
						op: L.attention.op,
						derived: L.attention.derived,
						kv_heads: L.attention.kvHeads
					}
				: null,
			norms: L.norms.map(norm),
			residuals: L.residuals.map((r) => ({
				output: r.output,
				stream: r.stream,
				branch: r.branch,
				sublayer: r.sublayer,
				op: r.op ?? 'Add',
				recomputed: r.recomputed ?? false
			}))
		})),
		final_norm: s.finalNorm ? norm(s.finalNorm) : null,
		unrecognized: s.unrecognized.map((n) => ({ ...n })),
		ambiguities: s.ambiguities.map((n) => ({ ...n }))
	};
}

/** The hook name of an ONNX tensor (for `tensors[].hook`), or null. */
export function hookOf(s: Structure, name: string): string | null {
	return s.hooks.get(name) ?? null;
}
