// When the summary nodes run. ORT orders nodes by a depth-first walk back from the graph's outputs,
// so nodes appended after the model (long.ts) would run after the whole forward pass, keeping every
// layer's [1, H, S, S] pattern alive until the end (measured: +445 MiB for 12 layers of 32 MiB
// patterns). Here each layer's attention output (the MatMul of the pattern with V) is made to
// depend on that layer's summaries: its producer writes `Z::clean`, and an appended Add of an exact
// 0 computed from one element of each summary writes Z again. Every consumer of Z then waits for the
// summaries, and the pattern is freed where it always was. Values are unchanged (x + 0 = x, NaN
// stays NaN: the 0 is a count of IsNaN flags times 0, finite whatever the values).
import type { NodeProto, TensorProto } from '../onnx/gen/onnx_pb.js';
import { DT, node, tensorF32, tensorI64 } from '../onnx/build.js';
import type { Graph } from '../onnx/graph.js';
import { applyWireEdit, type Rename } from '../intervene/index.js';
import type { SummaryGraph } from './long.js';

export const CLEAN = '::blockscope_clean';
const C = 'blockscope.long.c.';

export interface OrderEdit {
	renames: Rename[];
	nodes: NodeProto[];
	initializers: TensorProto[];
}

/** Renames and nodes that make each layer's attention output wait for its summaries. */
export function orderEdit(graph: Graph, g: SummaryGraph): OrderEdit {
	const fileOrder = graph.model.graph?.node ?? [];
	const out: OrderEdit = {
		renames: [],
		nodes: [],
		initializers: [
			tensorF32(`${C}zero_f`, [], [0]),
			tensorI64(`${C}flat`, [1], [-1]),
			tensorI64(`${C}first`, [1], [0]),
			tensorI64(`${C}second`, [1], [1]),
			tensorI64(`${C}axis0`, [1], [0])
		]
	};
	for (const L of g.layers) {
		const mm = graph.consumersOf(L.pattern).find((c) => c.opType === 'MatMul' && c.domain === '' && c.inputs[0] === L.pattern);
		const at = mm ? fileOrder.indexOf(mm.proto) : -1;
		if (!mm || at < 0 || !mm.outputs[0]) continue;
		const z = mm.outputs[0];
		const n = `blockscope.long.${L.layer}.order.`;
		// A chunked layer's pieces already write Z::clean (long-chunk-nodes.ts); its MatMul is dropped.
		if (!L.chunked) out.renames.push({ node: at, field: 'output', slot: 0, to: z + CLEAN });
		// One element of each dep, not its shape: a fixed-length file makes shapes static, and ORT folds
		// Shape of a static shape into a constant, which would cut the edge this edit exists for.
		L.deps.forEach((d, i) =>
			out.nodes.push(
				node('Reshape', [d, `${C}flat`], [`${n}flat${i}`]),
				node('Slice', [`${n}flat${i}`, `${C}first`, `${C}second`, `${C}axis0`], [`${n}one${i}`]), // (1) or (0)
				node('Cast', [`${n}one${i}`], [`${n}one_f${i}`], { to: DT.FLOAT }),
				node('IsNaN', [`${n}one_f${i}`], [`${n}nan${i}`]) // a bool whatever the value
			)
		);
		out.nodes.push(
			node(
				'Concat',
				L.deps.map((_, i) => `${n}nan${i}`),
				[`${n}nans`],
				{ axis: 0 }
			),
			node('Cast', [`${n}nans`], [`${n}count_f`], { to: DT.FLOAT }),
			node('ReduceSum', [`${n}count_f`], [`${n}count`], { keepdims: 0 }),
			node('Mul', [`${n}count`, `${C}zero_f`], [`${n}zero`]), // exactly 0: a finite count times 0
			node('Add', [z + CLEAN, `${n}zero`], [z], {}, { name: `${n}add` })
		);
	}
	return out;
}

/** The model bytes with the ordering edit's renames applied (its nodes go with the summary nodes). */
export function renamed(model: Uint8Array, e: OrderEdit): Uint8Array {
	return e.renames.length ? applyWireEdit(model, { renames: e.renames, nodes: [], initializers: [] }) : model;
}
