// Long inputs: graph nodes appended after each softmax attention pattern [1, H, S, S] that reduce it
// to what the page draws, so the full pattern never leaves ORT. Per head and query row: max,
// argmax, entropy and the weight on key 0 ([1, H, S] each); per head the pattern pooled to at most
// `target` blocks a side (block max and block mean, [1, H, P, P]); and one head of one layer exact
// ([1, 1, S, S]), picked by two int64 inputs so switching head or layer needs no new session.
// Appended like rewrite.ts does (one more ModelProto.graph field): the weights are never copied.
// The numbers equal stats/long.ts (summarizeRows, poolPattern), which the unit tests check.
import { create, toBinary } from '@bufbuild/protobuf';
import { GraphProtoSchema, ValueInfoProtoSchema, type NodeProto, type TensorProto } from '../onnx/gen/onnx_pb.js';
import { DT, node, tensorF32, tensorI64, valueInfo } from '../onnx/build.js';
import { joinBytes, lenField, withoutNodes } from '../onnx/index.js';
import type { Structure } from '../analysis/types.js';
import type { Graph } from '../onnx/graph.js';
import type { Rename } from '../intervene/index.js';
import { CLEAN, orderEdit, renamed } from './long-order.js';
import { CHUNK_BYTES, attentionChain, chunkRows } from './long-chunk.js';
import { chunkedLayer } from './long-chunk-nodes.js';
import type { ShownRole } from './long-shown.js';
import type { LogitsWindow } from './long-logits.js';
import { ENTROPY_FLOOR, poolBlock } from '../stats/index.js';

export const HEAD_INPUT = 'blockscope_head';
export const LAYER_INPUT = 'blockscope_layer';
/** The shown head's exact pattern [1, 1, S, S]. */
export const HEAD_PATTERN = 'blockscope.long.head_pattern';
/** Pooled patterns have at most this many blocks a side (the head grid's thumbnails, the overview). */
export const POOL_TARGET = 128;

const C = 'blockscope.long.c.';
type Reduce = (op: 'ReduceMax' | 'ReduceSum', x: string, y: string) => NodeProto;

/** A softmax pattern [1, H, S, S] the summaries are computed from. */
export interface SummaryTarget {
	layer: number;
	pattern: string;
	heads: number;
}

/** Output names of one layer's summaries. */
export interface SummaryNames extends SummaryTarget {
	max: string;
	argmax: string;
	entropy: string;
	sink: string;
	poolMax: string;
	poolMean: string;
	/** Every appended tensor of this layer the attention output waits for (long-order.ts). */
	deps: string[];
	/** Computed in query chunks (long-chunk.ts): the original chain does not run. */
	chunked?: boolean;
	/** Query rows per chunk when chunked. */
	rows?: number;
}

export interface SummaryGraph {
	seq: number;
	target: number;
	block: number;
	size: number;
	layers: SummaryNames[];
	/** Every output the appended nodes add (summaries of every layer, then HEAD_PATTERN). */
	outputs: string[];
	nodes: NodeProto[];
	initializers: TensorProto[];
	/** Node outputs renamed so the summaries run while their pattern is alive (long-order.ts). */
	renames: Rename[];
	/** The shown layer's tensors picked in the graph, one output per role (long-shown.ts). */
	shown: ShownRole[];
	/** The LM head computed on the last positions only (long-logits.ts); null: none found. */
	logits?: LogitsWindow | null;
	/** Query rows per chunk where layers are chunked (long-chunk.ts), else null. */
	rows: number | null;
	/** File indices of the model's nodes the chunks replace (left out of the model ORT gets). */
	drop: number[];
	/** Tensors those nodes wrote that the model no longer has (MatMul(pattern, V)'s is written again). */
	gone: string[];
}

/**
 * How summaryGraph builds: `order` adds the ordering edit now; `chunkBytes` sizes the query chunks
 * (0: no chunks); `rows` sets their height instead (rounded up to the pooling block).
 */
export interface SummaryOptions {
	order?: boolean;
	chunkBytes?: number;
	rows?: number;
}

/**
 * The patterns the graph can summarize: recognized Softmax outputs laid out [B, H, S, S] with a
 * known head count. Fused ops' patterns are not graph tensors (src/lib/derive recomputes them in JS
 * from Q and K), and folded [B*H, S, S] ones are left as they are.
 */
export function summaryTargets(s: Structure | null): SummaryTarget[] {
	const out: SummaryTarget[] = [];
	for (const L of s?.layers ?? []) {
		const a = L.attention;
		if (!a || a.derived || a.op !== 'Softmax' || a.layout === 'BH,S,S' || !a.heads) continue;
		out.push({ layer: L.index, pattern: a.pattern, heads: a.heads });
	}
	return out;
}

/**
 * sum p ln(max(p, floor)) per row ([1, H, S]; 0 ln 0 = 0 without a NaN), one head at a time: the
 * temporaries are [1, 1, S, S] (1/H of the pattern each) and ORT, walking back from the Concat,
 * finishes one head's chain before it starts the next.
 */
function entropyNodes(p: string, n: string, heads: number, reduce: Reduce, initializers: TensorProto[]): NodeProto[] {
	const nodes: NodeProto[] = [];
	initializers.push(tensorI64(`${n}head_axis`, [1], [1]));
	for (let h = 0; h < heads; h++) {
		const k = `${n}h${h}.`;
		initializers.push(tensorI64(`${k}from`, [1], [h]), tensorI64(`${k}to`, [1], [h + 1]));
		nodes.push(
			node('Slice', [p, `${k}from`, `${k}to`, `${n}head_axis`], [`${k}p`]), // (1, 1, S, S)
			node('Max', [`${k}p`, `${C}floor`], [`${k}clipped`]),
			node('Log', [`${k}clipped`], [`${k}log`]),
			node('Mul', [`${k}p`, `${k}log`], [`${k}plogp`]),
			reduce('ReduceSum', `${k}plogp`, `${k}sum`) // (1, 1, S)
		);
	}
	nodes.push(
		node(
			'Concat',
			Array.from({ length: heads }, (_, h) => `${n}h${h}.sum`),
			[`${n}negentropy`],
			{ axis: 1 }
		)
	);
	return nodes;
}

/** The whole-pattern summaries of one layer (a chain that cannot be chunked: fused scale, other readers). */
function wholeNodes(
	p: string,
	n: string,
	t: SummaryTarget,
	names: SummaryNames,
	x: { reduce: Reduce; pool: Record<string, number | number[]>; initializers: TensorProto[] }
): NodeProto[] {
	return [
		x.reduce('ReduceMax', p, names.max), // (1, H, S)
		node('ArgMax', [p], [`${n}argmax64`], { axis: 3, keepdims: 0 }), // first index on ties
		node('Cast', [`${n}argmax64`], [names.argmax], { to: DT.INT32 }),
		...entropyNodes(p, n, t.heads, x.reduce, x.initializers),
		node('Neg', [`${n}negentropy`], [names.entropy]),
		node('Gather', [p, `${C}zero`], [names.sink], { axis: 3 }), // (1, H, S): key 0
		node('MaxPool', [p], [names.poolMax], x.pool), // (1, H, P, P)
		// The last blocks are partial; count_include_pad=0 divides by the cells that exist.
		node('AveragePool', [p], [names.poolMean], { ...x.pool, count_include_pad: 0 }),
		node('Gather', [p, `${n}head`], [`${n}one_head`], { axis: 1 }) // (1, 1, S, S)
	];
}

function namesOf(t: SummaryTarget, n: string): SummaryNames {
	const at = (k: string) => `${n}${k}`;
	return {
		...t,
		max: at('max'),
		argmax: at('argmax'),
		entropy: at('entropy'),
		sink: at('sink'),
		poolMax: at('pool_max'),
		poolMean: at('pool_mean'),
		deps: []
	};
}

/**
 * The appended nodes for these targets at sequence length `seq` (the pooling kernel depends on it).
 * With the graph, every layer whose chain can be replayed is computed in query chunks of
 * chunkRows(seq, heads, block, chunkBytes) rows and its original chain is dropped.
 */
export function summaryGraph(
	targets: readonly SummaryTarget[],
	seq: number,
	opset: number,
	target = POOL_TARGET,
	graph: Graph | null = null,
	{ order = true, chunkBytes = CHUNK_BYTES, rows: fixed }: SummaryOptions = {}
): SummaryGraph {
	const block = poolBlock(seq, target);
	const size = Math.ceil(seq / block);
	const initializers = [tensorF32(`${C}floor`, [], [ENTROPY_FLOOR]), tensorI64(`${C}zero`, [], [0]), tensorI64(`${C}keys`, [1], [3])];
	// ReduceMax takes its axes as an input from opset 18, ReduceSum from 13.
	const reduce: Reduce = (op, x, y) =>
		(op === 'ReduceMax' ? opset >= 18 : opset >= 13)
			? node(op, [x, `${C}keys`], [y], { keepdims: 0 })
			: node(op, [x], [y], { axes: [3], keepdims: 0 });
	const pool = { kernel_shape: [block, block], strides: [block, block], ceil_mode: 1 };
	const g: SummaryGraph = {
		seq,
		target,
		block,
		size,
		layers: [],
		outputs: [],
		nodes: [],
		initializers,
		renames: [],
		shown: [],
		rows: null,
		drop: [],
		gone: []
	};
	const fileOrder = graph?.model.graph?.node ?? [];
	let chosen = '';
	for (const t of targets) {
		const n = `blockscope.long.${t.layer}.`;
		const names = namesOf(t, n);
		g.layers.push(names);
		// One head of one layer: the head clamped to this layer's heads, kept where the layer matches.
		initializers.push(tensorI64(`${n}last_head`, [1], [t.heads - 1]));
		g.nodes.push(node('Min', [HEAD_INPUT, `${n}last_head`], [`${n}head`]));
		const chain = graph && chunkBytes > 0 ? attentionChain(graph, t.pattern) : null;
		if (chain) {
			const rows = fixed ? Math.ceil(fixed / block) * block : chunkRows(seq, t.heads, block, chunkBytes);
			const z = chain.pv.outputs[0] + CLEAN;
			const x = chunkedLayer(chain, names, { seq, rows, n, head: `${n}head`, reduce, pool, z, start: `${C}start` });
			g.nodes.push(...x.nodes);
			initializers.push(...x.initializers);
			for (const d of [chain.qk, ...chain.steps.map((s) => s.node), chain.pv]) g.drop.push(fileOrder.indexOf(d.proto));
			g.gone.push(chain.qk.outputs[0], ...chain.steps.map((s) => s.node.outputs[0]));
			if (!g.rows) {
				initializers.push(tensorI64(`${C}query_axis`, [1], [-2]));
				g.nodes.push(node('Mul', [LAYER_INPUT, `${C}zero`], [`${C}start`])); // (1): 0, known only at run time
			}
			names.chunked = true;
			names.rows = rows;
			g.rows = Math.max(g.rows ?? 0, rows);
		} else g.nodes.push(...wholeNodes(t.pattern, n, t, names, { reduce, pool, initializers }));
		names.deps.push(names.max, names.argmax, names.entropy, names.sink, names.poolMax, names.poolMean, `${n}one_head`);
		if (!chosen) chosen = `${n}one_head`;
		else {
			initializers.push(tensorI64(`${n}index`, [1], [t.layer]));
			g.nodes.push(
				node('Equal', [LAYER_INPUT, `${n}index`], [`${n}is_shown`]),
				node('Where', [`${n}is_shown`, `${n}one_head`, chosen], [`${n}shown`])
			);
			chosen = `${n}shown`;
			names.deps.push(chosen);
		}
	}
	if (chosen) g.nodes.push(node('Identity', [chosen], [HEAD_PATTERN]));
	g.outputs.push(
		...g.layers.flatMap((l) => [l.max, l.argmax, l.entropy, l.sink, l.poolMax, l.poolMean]),
		...(chosen ? [HEAD_PATTERN] : [])
	);
	if (graph && order) addOrder(graph, g);
	return g;
}

/** Makes each layer's attention output wait for its `deps` (long-order.ts); call once, after every dep is known. */
export function addOrder(graph: Graph, g: SummaryGraph): void {
	const order = orderEdit(graph, g);
	g.renames = order.renames;
	g.nodes.push(...order.nodes);
	g.initializers.push(...order.initializers);
}

/** The model bytes with the summary nodes, their two inputs and their outputs appended (no weight is copied). */
export function appendSummary(model: Uint8Array, g: SummaryGraph): Uint8Array {
	const base = g.drop.length ? withoutNodes(renamed(model, g), g.drop) : renamed(model, g);
	const graph = create(GraphProtoSchema, {
		node: g.nodes,
		initializer: g.initializers,
		input: [valueInfo(HEAD_INPUT, DT.INT64, [1]), valueInfo(LAYER_INPUT, DT.INT64, [1])],
		output: g.outputs.map((name) => create(ValueInfoProtoSchema, { name }))
	});
	return joinBytes([base, lenField(7, toBinary(GraphProtoSchema, graph))]);
}

/** The two int64 feeds that pick the exact pattern's layer and head. */
export function summaryFeeds(layer: number, head: number): { name: string; dims: number[]; dtype: 'int64'; data: BigInt64Array }[] {
	return [
		{ name: HEAD_INPUT, dims: [1], dtype: 'int64', data: BigInt64Array.of(BigInt(Math.max(0, Math.floor(head)))) },
		{ name: LAYER_INPUT, dims: [1], dtype: 'int64', data: BigInt64Array.of(BigInt(Math.max(0, Math.floor(layer)))) }
	];
}

export { readSummaries, type LayerSummaries } from './long-read.js';
