// The one place the CLI meets the structure analysis (src/lib/analysis): which tensors are
// "semantic", their TransformerLens-style hook names, and the recognition fields of the JSON.
import { analyze, hookOf, toInspectJson, type InspectStructure, type Structure } from '../lib/analysis/index.js';
import type { Graph } from '../lib/onnx/index.js';

export interface Recognition {
	/** Tensor names for `--capture semantic`; null when the analysis failed. */
	semantic: string[] | null;
	hookOf(name: string): string | null;
	/** `variant`, `layers`, `final_norm`, `unrecognized` (the CLI's recognition contract, docs/contracts.md). */
	json: InspectStructure;
	/** The analysis itself (stats and health read it); null when it failed. */
	structure: Structure | null;
}

export function recognize(graph: Graph): Recognition {
	try {
		const structure = analyze(graph);
		return { semantic: structure.semantic, hookOf: (name) => hookOf(structure, name), json: toInspectJson(structure), structure };
	} catch (e) {
		// A graph the analysis trips over still runs and captures; the failure is reported, not fatal.
		const why = `the structure analysis failed: ${(e as Error)?.message ?? String(e)}`;
		return {
			semantic: null,
			structure: null,
			hookOf: () => null,
			json: { variant: 'unknown', layers: [], final_norm: null, unrecognized: [{ what: 'model', why }], ambiguities: [] }
		};
	}
}
