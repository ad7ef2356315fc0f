// Norm parameters (gamma, beta) read from the graph's initializers, summarized for the report.
import type { Graph } from '../onnx/graph.js';
import { tensorNumbers } from '../onnx/tensor.js';
import { paramSummary, type ParamSummary } from '../stats/norms.js';

export interface ParamJson extends ParamSummary {
	name: string; // initializer name
	size: number;
}

/** null when the name is null or its values cannot be read (external data, a computed tensor). */
export function paramOf(graph: Graph, name: string | null): ParamJson | null {
	if (!name) return null;
	const t = graph.constantOf(name);
	const v = t ? tensorNumbers(t) : null;
	if (!v || v.length === 0) return null;
	return { name, size: v.length, ...paramSummary(v) };
}
