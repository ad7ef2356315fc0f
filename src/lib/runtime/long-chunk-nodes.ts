// The nodes of one attention layer computed in query chunks (long-chunk.ts finds the chain). For
// chunk rows [r0, r1): slice Q and the side inputs that carry the query axis, replay the chain's
// own nodes (same ops, same attributes: the same floats row by row), reduce the chunk's pattern
// [1, H, c, S] to its summaries, gather the shown head's rows, MatMul with V, and Concat the pieces
// on the query axis. Chunk k+1's slices start from r0 plus an exact integer 0 computed from chunk
// k's outputs' shapes, so ORT (which orders nodes by walking back from the outputs) finishes
// chunk k, and frees its pattern, before it starts chunk k+1.
import { create } from '@bufbuild/protobuf';
import { NodeProtoSchema, type NodeProto, type TensorProto } from '../onnx/gen/onnx_pb.js';
import { DT, node, tensorI64 } from '../onnx/build.js';
import { chunkStarts, type AttentionChain } from './long-chunk.js';
import type { SummaryNames } from './long.js';

/** What the layer's summary code shares with the chunks. */
export interface ChunkContext {
	seq: number;
	rows: number;
	/** The layer's name prefix ("blockscope.long.3."). */
	n: string;
	/** The shown head's index for this layer (an int64 [1] tensor). */
	head: string;
	/** ReduceMax / ReduceSum over the key axis, keepdims 0, as the opset spells it. */
	reduce: (op: 'ReduceMax' | 'ReduceSum', x: string, y: string) => NodeProto;
	pool: Record<string, number | number[]>;
	/** The tensor the Concat of MatMul(pattern, V) pieces writes (long-order.ts gates it). */
	z: string;
	/**
	 * Chunk 0's start: an int64 [1] zero computed from a graph input. A constant start would give a
	 * model with a fixed length static chunk shapes, and ORT folds Shape nodes of static shapes into
	 * constants: the gates would lose their edges and every chunk would be alive at once.
	 */
	start: string;
}

const c = 'blockscope.long.c.';
const LAST = Number.MAX_SAFE_INTEGER; // Slice clamps: the last chunk takes every remaining row

/** A copy of `n` (attributes and domain kept) reading `inputs` and writing `outputs`. */
function replay(n: NodeProto, inputs: string[], outputs: string[], name: string): NodeProto {
	return create(NodeProtoSchema, { ...n, input: inputs, output: outputs, name });
}

/** One chunk's nodes; returns the names of its pieces. */
function chunk(ch: AttentionChain, x: ChunkContext, k: number, last: boolean, out: { nodes: NodeProto[]; inits: TensorProto[] }) {
	const p = `${x.n}c${k}.`;
	const { nodes, inits } = out;
	const r0 = k * x.rows;
	const start = k === 0 ? x.start : `${p}start`;
	if (k > 0) {
		inits.push(tensorI64(`${p}r0`, [1], [r0]));
		nodes.push(node('Add', [`${p}r0`, `${x.n}c${k - 1}.gate`], [start])); // r0 once chunk k-1 is done
	}
	inits.push(tensorI64(`${p}end`, [1], [last ? LAST : r0 + x.rows]));
	const sliced = new Map<string, string>();
	const rows = (t: string) => {
		if (!sliced.has(t)) {
			sliced.set(t, `${p}rows${sliced.size}`);
			nodes.push(node('Slice', [t, start, `${p}end`, `${c}query_axis`], [sliced.get(t)!])); // (.., c, S) or (1, H, c, d)
		}
		return sliced.get(t)!;
	};
	let t = `${p}qk`;
	nodes.push(replay(ch.qk.proto, [rows(ch.qk.inputs[0]), ch.qk.inputs[1]], [t], `${p}qk`)); // (1, H, c, S)
	ch.steps.forEach((s, i) => {
		const ins = s.node.inputs.map((name, j) => (s.inputs[j] === 'data' ? t : s.inputs[j] === 'rows' ? rows(name) : name));
		t = `${p}s${i}`;
		nodes.push(replay(s.node.proto, ins, [t], t));
	});
	const pat = t; // (1, H, c, S)
	const piece = {
		max: `${p}max`,
		argmax: `${p}argmax`,
		negentropy: `${p}negentropy`,
		sink: `${p}sink`,
		poolMax: `${p}pool_max`,
		poolMean: `${p}pool_mean`,
		head: `${p}head`,
		pv: `${p}pv`
	};
	nodes.push(
		x.reduce('ReduceMax', pat, piece.max), // (1, H, c)
		node('ArgMax', [pat], [piece.argmax], { axis: 3, keepdims: 0 }),
		node('Max', [pat, `${c}floor`], [`${p}clipped`]),
		node('Log', [`${p}clipped`], [`${p}log`]),
		node('Mul', [pat, `${p}log`], [`${p}plogp`]),
		x.reduce('ReduceSum', `${p}plogp`, piece.negentropy),
		node('Gather', [pat, `${c}zero`], [piece.sink], { axis: 3 }),
		node('MaxPool', [pat], [piece.poolMax], x.pool), // (1, H, c / block, P)
		node('AveragePool', [pat], [piece.poolMean], { ...x.pool, count_include_pad: 0 }),
		node('Gather', [pat, x.head], [piece.head], { axis: 1 }), // (1, 1, c, S)
		replay(ch.pv.proto, [pat, ch.pv.inputs[1]], [piece.pv], piece.pv) // (1, H, c, d)
	);
	if (!last) {
		const all = Object.values(piece);
		all.forEach((a, i) => nodes.push(node('Shape', [a], [`${p}shape${i}`])));
		nodes.push(
			node(
				'Concat',
				all.map((_, i) => `${p}shape${i}`),
				[`${p}shapes`],
				{ axis: 0 }
			),
			node('Size', [`${p}shapes`], [`${p}count`]),
			node('Mul', [`${p}count`, `${c}zero`], [`${p}gate`]) // exactly 0, known only once every piece exists
		);
	}
	return piece;
}

/** Every chunk of one layer, then the pieces joined into the layer's summaries and x.z. */
export function chunkedLayer(
	ch: AttentionChain,
	names: SummaryNames,
	x: ChunkContext
): { nodes: NodeProto[]; initializers: TensorProto[] } {
	const out = { nodes: [] as NodeProto[], inits: [] as TensorProto[] };
	const starts = chunkStarts(x.seq, x.rows);
	const pieces = starts.map((_, k) => chunk(ch, x, k, k === starts.length - 1, out));
	const join = (key: keyof (typeof pieces)[number], y: string) =>
		node(
			'Concat',
			pieces.map((q) => q[key]),
			[y],
			{ axis: 2 }
		);
	const n = x.n;
	out.nodes.push(
		join('max', names.max),
		join('argmax', `${n}argmax64`),
		node('Cast', [`${n}argmax64`], [names.argmax], { to: DT.INT32 }),
		join('negentropy', `${n}negentropy`),
		node('Neg', [`${n}negentropy`], [names.entropy]),
		join('sink', names.sink),
		join('poolMax', names.poolMax),
		join('poolMean', names.poolMean),
		join('head', `${n}one_head`), // (1, 1, S, S)
		join('pv', x.z) // (1, H, S, d)
	);
	return { nodes: out.nodes, initializers: out.inits };
}
