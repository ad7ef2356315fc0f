// Where each layer's heads write: the per-head z (the MatMul of the pattern and V, heads on an
// axis of their own) and the output projection W_O that merges them into the attention output.
// Interventions ablate heads there; direct logit attribution splits the attention output by them.
import type { Graph, GraphNode } from '../onnx/graph.js';
import { halfToFloat, tensorArray, tensorDims } from '../onnx/index.js';
import type { Layer, Structure } from '../analysis/types.js';

export interface HeadSite {
	layer: number;
	heads: number;
	/** The per-head z: [B, H, S, Dh] ('BHSS') or [B*H, S, Dh] ('BH,S,S'). */
	z: string;
	layout: 'BHSS' | 'BH,S,S';
	/** The merged z, [.., S, H*Dh], that the output projection reads. */
	merged: string;
	/** W_O as [H*Dh, D] (MatMul orientation; a Gemm with transB is read transposed). */
	wo: string;
	woTransposed: boolean;
	/** b_O, [D], or null. */
	bo: string | null;
	/** The projection's output with its bias added: what the block adds to the stream. */
	out: string;
}

/** The hook name interventions and patches use for the per-head z. */
export const hookZ = (layer: number) => `blocks.${layer}.attn.hook_z`;

/** Ops between the per-head z and the projection that only move heads around. */
const MOVES = new Set(['Transpose', 'Reshape', 'Identity', 'Flatten', 'Squeeze', 'Unsqueeze']);

function only(g: Graph, t: string): GraphNode | null {
	const cs = g.consumersOf(t);
	return cs.length === 1 ? cs[0] : null;
}

/** The site of layer L's heads, or the reason there is none (a fused op, an unexpected op). */
export function headSite(g: Graph, s: Structure, L: Layer): HeadSite | { why: string } {
	const a = L.attention;
	if (!a) return { why: `layer ${L.index} has no recognized attention` };
	const softmax = g.producer.get(a.pattern);
	if (!softmax || softmax.opType !== 'Softmax')
		return { why: `layer ${L.index}'s attention is a fused op (${softmax?.opType ?? 'none'}): its heads' z is not a graph tensor` };
	if (!a.heads || !a.layout) return { why: `layer ${L.index}: the head count or layout is unknown` };
	const pv = g.consumersOf(a.pattern).find((n) => n.opType === 'MatMul' && n.inputs[0] === a.pattern);
	if (!pv) return { why: `layer ${L.index}: no MatMul of the pattern and V follows the softmax` };
	let t = pv.outputs[0];
	for (let hops = 0; hops < 6; hops++) {
		const n = only(g, t);
		if (!n) return { why: `layer ${L.index}: the heads' z (${t}) feeds more than one op before the output projection` };
		if (MOVES.has(n.opType)) {
			t = n.outputs[0];
			continue;
		}
		const proj = projection(g, n, t);
		if (!proj) return { why: `layer ${L.index}: the heads' z reaches ${n.opType}, not a MatMul/Gemm with a constant weight` };
		return { layer: L.index, heads: a.heads, z: pv.outputs[0], layout: a.layout, merged: t, ...proj };
	}
	return { why: `layer ${L.index}: no output projection within 6 ops of the heads' z` };
}

/** The output projection at node n reading `x`, with its bias Add (if the next op is one). */
function projection(g: Graph, n: GraphNode, x: string): Pick<HeadSite, 'wo' | 'woTransposed' | 'bo' | 'out'> | null {
	if (n.opType === 'Gemm') {
		if (n.inputs[0] !== x || !g.isConstant(n.inputs[1])) return null;
		const transB = n.proto.attribute.find((at) => at.name === 'transB');
		return { wo: n.inputs[1], woTransposed: Number(transB?.i ?? 0) === 1, bo: n.inputs[2] || null, out: n.outputs[0] };
	}
	if (n.opType !== 'MatMul' || n.inputs[0] !== x || !g.isConstant(n.inputs[1])) return null;
	let out = n.outputs[0];
	let bo: string | null = null;
	const add = only(g, out);
	if (add && add.opType === 'Add') {
		const other = add.inputs[0] === out ? add.inputs[1] : add.inputs[0];
		if (g.isConstant(other)) {
			bo = other;
			out = add.outputs[0];
		}
	}
	return { wo: n.inputs[1], woTransposed: false, bo, out };
}

/** Every layer's head site (null where there is none) and the reasons. */
export function headSites(g: Graph, s: Structure): { sites: (HeadSite | null)[]; why: string[] } {
	const why: string[] = [];
	const sites = s.layers.map((L) => {
		const r = headSite(g, s, L);
		if ('why' in r) {
			why.push(r.why);
			return null;
		}
		return r;
	});
	return { sites, why };
}

/** A constant's values as floats with its dims (float32 kept as is); null when it cannot be read (external, dropped, not float). */
export function constFloats(g: Graph, name: string): { dims: number[]; data: Float32Array | Float64Array } | null {
	const t = g.constantOf(name);
	const a = t ? tensorArray(t) : null;
	if (!t || !a) return null;
	if (a instanceof Float32Array || a instanceof Float64Array) return { dims: tensorDims(t), data: a };
	if (t.dataType === 10) return { dims: tensorDims(t), data: Float32Array.from(a as Uint16Array, halfToFloat) };
	return null;
}

/** W_O as [H*Dh, D] row-major, whatever the orientation in the graph. */
export function woMatrix(g: Graph, site: HeadSite): { rows: number; cols: number; data: Float32Array | Float64Array } | null {
	const w = constFloats(g, site.wo);
	if (!w || w.dims.length !== 2) return null;
	if (!site.woTransposed) return { rows: w.dims[0], cols: w.dims[1], data: w.data };
	const [r, c] = w.dims; // [D, H*Dh]
	const t = new Float64Array(r * c);
	for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[j * r + i] = w.data[i * c + j];
	return { rows: c, cols: r, data: t };
}
