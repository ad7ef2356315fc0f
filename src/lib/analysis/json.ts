// The CLI contract of issue 3 (`inspect --json`): other tools parse these fields, keep them stable.
import type { ModelVariant, Note, PlacedNorm, Structure, Sublayer } from './types.js';

export interface InspectNorm {
	kind: PlacedNorm['kind'];
	form: PlacedNorm['form'];
	input: string;
	output: string;
	placement: PlacedNorm['placement'];
	sublayer: Sublayer;
}

export interface InspectLayer {
	/** heads is null only where no shape, reshape or width told it (see `ambiguities`). */
	attention: { pattern: string; heads: number | null; masked: boolean } | null;
	norms: InspectNorm[];
	residuals: { output: string; stream: string; branch: string; sublayer: Sublayer }[];
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
	return { kind: n.kind, form: n.form, input: n.input, output: n.output, placement: n.placement, sublayer: n.sublayer };
}

export function toInspectJson(s: Structure): InspectStructure {
	return {
		variant: s.variant,
		layers: s.layers.map((L) => ({
			attention: L.attention ? { pattern: L.attention.pattern, heads: L.attention.heads, masked: L.attention.masked } : null,
			norms: L.norms.map(norm),
			residuals: L.residuals.map((r) => ({ output: r.output, stream: r.stream, branch: r.branch, sublayer: r.sublayer }))
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
