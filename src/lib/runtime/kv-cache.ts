// Empty KV-cache inputs (the first step of generation: past length 0) with the shapes the model
// checks. Every dim of a cache input but the past length must match the weights, so the head
// count and head size come from the graph (attention op attributes, the packed QKV width, the
// Reshape that splits heads) or config.json; a dim nobody can tell is refused with its name.
import type { Graph, ValueInfo } from '../onnx/graph.js';
import { attrInt } from '../onnx/graph.js';
import { ModelError, displayName } from '../onnx/errors.js';
import { cacheName, type CacheName } from '../analysis/kv-names.js';
import { headDimOf, type ConfigHints } from '../analysis/hints.js';
import type { CapturedTensor, TensorData } from '../tensor/store.js';
import type { DType } from '../onnx/dtype.js';

export interface CacheInput extends CacheName {
	name: string;
	dims: number[];
	/** Where the head count and head size came from. */
	from: 'declared' | 'graph' | 'config';
}

interface HeadShape {
	kvHeads: number | null;
	headSize: number | null;
	from: 'graph' | 'config';
}

/** Every graph input named like a cache, with its empty shape. */
export function cacheInputs(graph: Graph, hints: ConfigHints | null = null): CacheInput[] {
	const out: CacheInput[] = [];
	for (const v of graph.inputs) {
		const c = cacheName(v.name);
		if (!c || c.io !== 'past') continue;
		out.push({ ...c, name: v.name, ...emptyShape(graph, v, c, hints) });
	}
	return out;
}

/** Graph outputs named like a cache (present.*): the layer's keys and values. */
export function presentOutputs(graph: Graph): (CacheName & { name: string })[] {
	return graph.outputs.flatMap((o) => {
		const c = cacheName(o.name);
		return c && c.io === 'present' ? [{ ...c, name: o.name }] : [];
	});
}

export function emptyCache(c: CacheInput, dtype: DType): CapturedTensor {
	return { name: c.name, dims: c.dims, dtype, data: emptyData(dtype) };
}

function emptyData(dtype: DType): TensorData {
	switch (dtype) {
		case 'float16':
		case 'bfloat16':
			return new Uint16Array(0);
		case 'float64':
			return new Float64Array(0);
		case 'int64':
			return new BigInt64Array(0);
		case 'int32':
			return new Int32Array(0);
		case 'int8':
			return new Int8Array(0);
		case 'uint8':
		case 'bool':
			return new Uint8Array(0);
		default:
			return new Float32Array(0);
	}
}

/** The axis holding the past length: by dim name, else by the usual layouts. */
function pastAxis(v: ValueInfo, c: CacheName): number {
	const dims = v.dims!;
	const named = dims.findIndex((d) => typeof d === 'string' && /past|cache|seq|len|total|time/i.test(d));
	if (named >= 0) return named;
	if (dims.length === 5) return 3; // past.{i}: [2, B, H, S, hd]
	if (dims.length === 3) return 1; // GPTBigCode: [B, S, 2*hd]
	return c.kind === 'key' && dims.length === 4 && typeof dims[3] !== 'number' && typeof dims[2] === 'number' ? 3 : 2; // [B, H, S, hd]; some exports keep K as [B, H, hd, S]
}

function emptyShape(graph: Graph, v: ValueInfo, c: CacheName, hints: ConfigHints | null): { dims: number[]; from: CacheInput['from'] } {
	if (!v.dims)
		throw new ModelError(
			`Cache input "${displayName(v.name)}" has no declared shape, so its empty default cannot be built.`,
			'Give it as a file (--input NAME=FILE.npy).'
		);
	const past = pastAxis(v, c);
	const rank = v.dims.length;
	let shape: HeadShape | null = null;
	let from: CacheInput['from'] = 'declared';
	const dims = v.dims.map((d, k) => {
		if (k === past) return 0;
		if (typeof d === 'number' && d > 0) return d;
		if (rank === 5 && k === 0) return 2;
		if (k === (rank === 5 ? 1 : 0)) return 1; // batch
		shape ??= headShape(graph, v.name, hints);
		from = shape.from;
		const isHeadSize = k === rank - 1 || (k === 2 && past === 3 && rank === 4);
		const n =
			rank === 3
				? shape.headSize !== null
					? shape.headSize * (c.kind === 'key_value' ? 2 : 1)
					: null
				: isHeadSize
					? shape.headSize
					: shape.kvHeads;
		if (n === null)
			throw new ModelError(
				`Cache input "${displayName(v.name)}" has dim ${k}${typeof d === 'string' ? ` "${displayName(d, 40)}"` : ''} (${isHeadSize ? 'head size' : 'KV heads'}), which neither the graph nor a config.json tells.`,
				"Put the model's config.json beside it, or give the input as a file (--input NAME=FILE.npy)."
			);
		return n;
	});
	return { dims, from };
}

/** KV head count and head size for the attention that reads this cache input. */
function headShape(graph: Graph, input: string, hints: ConfigHints | null): HeadShape {
	const g = fromGraph(graph, input);
	if (g && g.kvHeads !== null && g.headSize !== null) return g;
	const kvHeads = hints ? (hints.num_key_value_heads ?? hints.num_attention_heads ?? null) : null;
	const headSize = hints ? headDimOf(hints) : null;
	return {
		kvHeads: g?.kvHeads ?? kvHeads,
		headSize: g?.headSize ?? headSize,
		from: g && (g.kvHeads !== null || g.headSize !== null) ? 'graph' : 'config'
	};
}

function fromGraph(graph: Graph, input: string): HeadShape | null {
	for (const n of graph.consumersOf(input)) {
		if (n.domain === 'com.microsoft' && (n.opType === 'GroupQueryAttention' || n.opType === 'MultiHeadAttention')) {
			const heads = attrInt(n, 'num_heads', 0);
			const kv = n.opType === 'GroupQueryAttention' ? attrInt(n, 'kv_num_heads', heads) : heads;
			const width = widthOf(graph, n.inputs[0]);
			// Query packed with K and V when the key input is left out (onnxruntime-genai's layout).
			const packed = !n.inputs[1];
			const headSize = width && heads ? width / (packed ? heads + 2 * kv : heads) : null;
			return { kvHeads: kv || null, headSize: headSize && Number.isInteger(headSize) ? headSize : null, from: 'graph' };
		}
		if (n.opType === 'Concat') {
			const other = n.inputs.find((x) => x && x !== input);
			const s = other ? splitHeads(graph, other) : null;
			if (s) return { ...s, from: 'graph' };
		}
	}
	return null;
}

/** Last-dim width of a tensor: declared, or from the MatMul/MatMulNBits/Gemm that makes it. */
function widthOf(graph: Graph, name: string, hops = 0): number | null {
	const d = graph.valueInfo.get(name)?.dims;
	const last = d?.[d.length - 1];
	if (typeof last === 'number' && last > 0) return last;
	const p = graph.producer.get(name);
	if (!p || hops > 6) return null;
	if (p.opType === 'MatMulNBits') return attrInt(p, 'N', 0) || null;
	if (p.opType === 'MatMul' || p.opType === 'Gemm') {
		const w = graph.constantOf(p.inputs[1]);
		if (!w) return null;
		const transB = p.opType === 'Gemm' && attrInt(p, 'transB', 0) === 1;
		return Number(w.dims[transB ? 0 : w.dims.length - 1]);
	}
	if (['Add', 'Cast', 'Identity', 'Mul'].includes(p.opType)) {
		for (const i of p.inputs) if (i && !graph.isConstant(i)) return widthOf(graph, i, hops + 1);
	}
	return null;
}

/** [B, S, H, hd] from a Reshape's constant shape, followed through a Transpose to [B, H, S, hd]. */
function splitHeads(graph: Graph, name: string): { kvHeads: number; headSize: number } | null {
	let perm: number[] | null = null;
	let t = name;
	for (let hops = 0; hops < 4; hops++) {
		const p = graph.producer.get(t);
		if (!p) return null;
		if (p.opType === 'Transpose') {
			perm = p.proto.attribute.find((a) => a.name === 'perm')?.ints.map(Number) ?? null;
			t = p.inputs[0];
			continue;
		}
		if (p.opType !== 'Reshape') return null;
		const shape = graph.numbersOf(p.inputs[1]);
		if (!shape || shape.length !== 4) return null;
		const dims = perm ? perm.map((k) => shape[k]) : shape; // the layout after the transpose
		const [h, hd] = [dims[1], dims[3]];
		return h > 0 && hd > 0 ? { kvHeads: h, headSize: hd } : null;
	}
	return null;
}
