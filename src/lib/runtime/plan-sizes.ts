// Estimated tensor sizes for one run, before any run: from value_info shapes where the model declares
// them (symbolic dims bound from the inputs), else from a light propagation: the inputs' dims,
// MatMul/Gemm/Gather against their weights, attention patterns as [B, H, S, S], everything else as
// large as its largest input. Pure: no ORT, no DOM.
import type { Graph, GraphNode } from '../onnx/graph.js';
import { dtypeSize, type DType } from '../onnx/dtype.js';
import type { Structure } from '../analysis/types.js';

/** Estimated bytes of each named tensor for one run with these feeds (0 where nothing is known). */
export function estimateSizes(graph: Graph, structure: Structure | null, feeds: Record<string, readonly number[]>): Map<string, number> {
	const elems = new Map<string, number>();
	const dtypes = new Map<string, DType>();
	// Symbolic dims bound from the feeds (batch, sequence, ...).
	const bound = new Map<string, number>();
	for (const v of graph.inputs) {
		const d = feeds[v.name];
		if (!d) continue;
		elems.set(v.name, prod(d));
		dtypes.set(v.name, v.dtype);
		v.dims?.forEach((x, k) => {
			if (typeof x === 'string' && d[k] !== undefined) bound.set(x, d[k]);
		});
	}
	const firstFeed = Object.values(feeds)[0] ?? [1, 1];
	const B = firstFeed.length >= 2 ? firstFeed[0] : 1;
	const S = firstFeed.length >= 2 ? firstFeed[firstFeed.length - 1] : (firstFeed[0] ?? 1);
	const D = modelWidth(graph, structure);
	const H = Math.max(1, Math.round(D / 64));
	const stream = B * S * D;
	const attention = new Map<string, number>();
	for (const a of structure?.attention ?? []) {
		const n = B * (a.heads ?? H) * S * S;
		for (const t of [a.pattern, a.scores, a.qk]) attention.set(t, n);
	}
	const weight = (name: string): number[] | null => {
		const t = graph.initializers.get(name) ?? graph.constants.get(name);
		return t ? t.dims.map(Number) : null;
	};
	const patterns = new Set((structure?.attention ?? []).map((a) => a.pattern));
	const of = (name: string): number => (name ? (elems.get(name) ?? (weight(name) ? prod(weight(name)!) : stream)) : 0);
	const declared = (name: string): number | null => {
		const v = graph.valueInfo.get(name);
		if (!v?.dims) return null;
		let n = 1;
		for (const x of v.dims) {
			const k = typeof x === 'number' ? x : typeof x === 'string' ? bound.get(x) : undefined;
			if (k === undefined || k < 0) return null;
			n *= k;
		}
		return n;
	};
	for (const node of graph.nodes) {
		const acts = node.inputs.filter((i) => i && !weight(i));
		const biggest = acts.reduce((m, i) => Math.max(m, of(i)), 0);
		for (const [k, out] of node.outputs.entries()) {
			if (!out) continue;
			const v = graph.valueInfo.get(out);
			if (v) dtypes.set(out, v.dtype);
			let n = declared(out) ?? attention.get(out);
			if (n === undefined) n = propagate(node, k, of, weight, biggest, { square: B * H * S * S, S, patterns });
			elems.set(out, n);
		}
	}
	const bytes = new Map<string, number>();
	for (const [name, n] of elems) bytes.set(name, n * Math.max(1, dtypeSize(dtypes.get(name) ?? 'float32') || 4));
	return bytes;
}

function propagate(
	node: GraphNode,
	k: number,
	of: (n: string) => number,
	weight: (n: string) => number[] | null,
	biggest: number,
	{ square, S, patterns }: { square: number; S: number; patterns: ReadonlySet<string> }
): number {
	const op = node.opType;
	const [a, b] = node.inputs;
	const wa = a ? weight(a) : null;
	// A slice of a table (positions, a causal mask): at most S rows of it.
	if (wa && op === 'Slice' && wa.length >= 2) return Math.min(prod(wa), S * prod(wa.slice(1)));
	if (k > 0 && (op === 'LayerNormalization' || op === 'Dropout')) return Math.max(1, biggest / 64); // mean / inv-std / mask: small
	switch (op) {
		case 'Shape':
		case 'Size':
			return 8;
		case 'MatMul': {
			const w = b ? weight(b) : null;
			if (w && w.length >= 2) return (of(a) / w[w.length - 2]) * w[w.length - 1];
			// Two activations: pattern x V has V's size (S_q = S_k); Q x K^T is a pattern.
			if (patterns.has(a)) return of(b);
			if (patterns.has(b)) return of(a);
			return Math.max(of(a), of(b), square);
		}
		case 'Gemm': {
			const w = b ? weight(b) : null;
			const transB = node.proto.attribute.find((x) => x.name === 'transB')?.i;
			if (w && w.length === 2) return transB ? (of(a) / w[1]) * w[0] : (of(a) / w[0]) * w[1];
			return Math.max(of(a), of(b));
		}
		case 'Gather': {
			const w = weight(a);
			if (w && w.length >= 2) return of(b) * prod(w.slice(1));
			return Math.max(1, of(b));
		}
		default:
			return Math.max(1, biggest);
	}
}

/** d_model: the widest norm gain, else the metadata's, else 768. */
function modelWidth(graph: Graph, s: Structure | null): number {
	const meta = Number(graph.metadata.get('blockscope.d_model') ?? graph.metadata.get('d_model'));
	let w = 0;
	for (const n of s?.norms ?? []) {
		const g = n.gamma ? (graph.initializers.get(n.gamma) ?? graph.constants.get(n.gamma)) : undefined;
		if (g) w = Math.max(w, prod(g.dims.map(Number)));
	}
	return w > 1 ? w : Number.isFinite(meta) && meta > 0 ? meta : 768;
}

function prod(d: readonly number[]): number {
	return d.reduce((a, b) => a * b, 1);
}
