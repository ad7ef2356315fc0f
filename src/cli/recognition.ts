// The one place the CLI meets the structure analysis (src/lib/analysis): which tensors are
// "semantic", their TransformerLens-style hook names, and the recognition fields of the JSON.
import type { Graph } from '../lib/onnx/graph.js';

export interface Recognition {
	/** Tensor names for `--capture semantic`. */
	semantic: string[];
	hookOf(name: string): string | null;
	/** `variant`, `layers`, `final_norm`, `unrecognized` (the recognition issue's CLI contract). */
	json: Record<string, unknown>;
}

interface AnalysisModule {
	analyze(graph: Graph): { semantic: string[]; hooks: Map<string, string> };
	toInspectJson(structure: unknown): Record<string, unknown>;
}

/** null while the analysis module does not exist yet (it is being written in parallel). */
export async function recognize(graph: Graph): Promise<Recognition | null> {
	let mod: AnalysisModule;
	try {
		// A computed specifier so this file type-checks before src/lib/analysis lands.
		// TODO: once it exists, replace with a static `import { analyze, toInspectJson } from '../lib/analysis'`.
		const spec = '../lib/analysis/index.js';
		mod = (await import(/* @vite-ignore */ spec)) as AnalysisModule;
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		if (code === 'ERR_MODULE_NOT_FOUND' || /Cannot find module|Failed to load url/i.test(String(e))) return null;
		throw e; // the module exists but is broken: say so rather than silently drop the hooks
	}
	const structure = mod.analyze(graph);
	return {
		semantic: structure.semantic,
		hookOf: (name) => structure.hooks.get(name) ?? null,
		json: mod.toInspectJson(structure)
	};
}
