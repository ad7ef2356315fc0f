// Quantized weights read as the ops read them, so weight health (NaN/Inf, ranges) sees the values
// the model computes with, not the packed integers: MatMulNBits (4/8-bit blocks, packed or default
// zero points, g_idx), MatMulBnb4 (FP4/NF4 codes times block absmax), GatherBlockQuantized
// (embedding tables in blocks), DequantizeLinear of a constant (per tensor, per axis, blocked),
// MatMulInteger (its scale found on the Mul after the Cast, as quantize_dynamic writes it) and
// QLinearMatMul's B. Weights do not change between runs: dequantized once per graph.
import type { Graph, GraphNode } from '../onnx/graph.js';
import { attrInt } from '../onnx/graph.js';
import { bf16ToFloat, dtypeName, halfToFloat, tensorArray, tensorDims } from '../onnx/index.js';

export interface QuantizedWeight {
	weight: string; // the packed or integer initializer
	op: string;
	node: string;
	dims: number[]; // of the dequantized weight: (K, N) for matmuls, the table's for gathers
	nan: number;
	inf: number;
	min: number; // over finite values
	max: number;
}

export interface Dequantized {
	dims: number[];
	data: Float64Array; // row-major
}

interface Const {
	dims: number[];
	data: Float64Array;
	dtype: string;
}

function constant(graph: Graph, name: string | undefined): Const | null {
	const t = name ? graph.constantOf(name) : null;
	const a = t ? tensorArray(t) : null;
	if (!t || !a) return null;
	const dtype = dtypeName(t.dataType);
	const f = dtype === 'float16' ? halfToFloat : dtype === 'bfloat16' ? bf16ToFloat : Number;
	return { dims: tensorDims(t), data: Float64Array.from(a as ArrayLike<number>, (v) => f(v as number)), dtype };
}

/** (K, N): w[k][n] = (q - zp) * scale, blocks of block_size along K per column n. */
function nbits(graph: Graph, n: GraphNode): Dequantized | null {
	const [K, N, bits, block] = ['K', 'N', 'bits', 'block_size'].map((a) => attrInt(n, a, a === 'bits' ? 4 : 0));
	const B = constant(graph, n.inputs[1]);
	const scales = constant(graph, n.inputs[2]);
	const zp = n.inputs[3] ? constant(graph, n.inputs[3]) : null;
	const gIdx = n.inputs[4] ? constant(graph, n.inputs[4]) : null;
	if (!B || !scales || !K || !N || !block || (bits !== 4 && bits !== 8) || (zp && zp.dtype !== 'uint8')) return null;
	const blocks = Math.ceil(K / block);
	const blob = (block * bits) / 8;
	const zb = Math.ceil((blocks * bits) / 8); // zero-point bytes per column
	const q = (col: number, k: number) => {
		const byte = B.data[col * blocks * blob + Math.floor(k / block) * blob + Math.floor(((k % block) * bits) / 8)];
		return bits === 8 ? byte : k % 2 ? byte >> 4 : byte & 15;
	};
	const zero = (col: number, b: number) => {
		if (!zp) return 2 ** (bits - 1);
		const byte = zp.data[col * zb + (bits === 8 ? b : b >> 1)];
		return bits === 8 ? byte : b & 1 ? byte >> 4 : byte & 15;
	};
	const out = new Float64Array(K * N);
	for (let col = 0; col < N; col++)
		for (let k = 0; k < K; k++) {
			const b = gIdx ? gIdx.data[k] : Math.floor(k / block);
			out[k * N + col] = (q(col, k) - zero(col, b)) * scales.data[col * blocks + b];
		}
	return { dims: [K, N], data: out };
}

// bitsandbytes' code books (ORT's MatMulBnb4: quant_type 0 = FP4, 1 = NF4).
const FP4 = [
	0, 0.0052083333, 0.6666667, 1, 0.3333333, 0.5, 0.1666667, 0.25, -0, -0.0052083333, -0.6666667, -1, -0.3333333, -0.5, -0.1666667, -0.25
];
const NF4 = [
	-1, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0,
	0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
	0.7229568362236023, 1
];

/** (K, N): element i of the transposed (N, K) weight is code[nibble i] * absmax[i / block], the high nibble first. */
function bnb4(graph: Graph, n: GraphNode): Dequantized | null {
	const [K, N, block, type] = ['K', 'N', 'block_size', 'quant_type'].map((a) => attrInt(n, a, 0));
	const B = constant(graph, n.inputs[1]);
	const absmax = constant(graph, n.inputs[2]);
	if (!B || !absmax || !K || !N || !block) return null;
	const code = type === 1 ? NF4 : FP4;
	const out = new Float64Array(K * N);
	for (let i = 0; i < K * N; i++) {
		const byte = B.data[i >> 1];
		const nib = i % 2 ? byte & 15 : byte >> 4;
		out[(i % K) * N + Math.floor(i / K)] = code[nib] * absmax.data[Math.floor(i / block)];
	}
	return { dims: [K, N], data: out };
}

/** The table (rows, D): uint8 data holding 4-bit codes (two per byte, low first) or 8-bit, blocks along the last axis. */
function gatherBlocks(graph: Graph, n: GraphNode): Dequantized | null {
	const data = constant(graph, n.inputs[0]);
	const scales = constant(graph, n.inputs[2]);
	const zp = n.inputs[3] ? constant(graph, n.inputs[3]) : null;
	const bits = attrInt(n, 'bits', 4);
	const block = attrInt(n, 'block_size', 128);
	if (
		!data ||
		!scales ||
		data.dtype !== 'uint8' ||
		data.dims.length !== 2 ||
		attrInt(n, 'quantize_axis', 1) !== 1 ||
		(bits !== 4 && bits !== 8)
	)
		return null;
	const per = 8 / bits;
	const [rows, bytes] = data.dims;
	const D = bytes * per;
	const blocks = Math.ceil(D / block);
	const code = (a: Float64Array, i: number) => (bits === 8 ? a[i] : i % 2 ? a[i >> 1] >> 4 : a[i >> 1] & 15);
	const out = new Float64Array(rows * D);
	for (let r = 0; r < rows; r++)
		for (let c = 0; c < D; c++) {
			const b = r * blocks + Math.floor(c / block);
			const z = zp ? code(zp.data, b) : 2 ** (bits - 1);
			out[r * D + c] = (code(data.data, r * D + c) - z) * scales.data[b];
		}
	return { dims: [rows, D], data: out };
}

/** y = (x - zp) * scale with scale a scalar, 1-D along `axis`, or blocked along it (block_size). */
function linearDequant(x: Const, scale: Const, zp: Const | null, axis: number, block: number): Dequantized {
	const dims = x.dims;
	const ax = axis < 0 ? axis + dims.length : axis;
	const inner = dims.slice(ax + 1).reduce((a, d) => a * d, 1);
	const out = new Float64Array(x.data.length);
	for (let i = 0; i < out.length; i++) {
		let s = 0;
		if (scale.data.length > 1) {
			const along = Math.floor(i / inner) % dims[ax];
			const outer = Math.floor(i / (inner * dims[ax]));
			s = block > 0 ? (outer * Math.ceil(dims[ax] / block) + Math.floor(along / block)) * inner + (i % inner) : along;
		}
		out[i] = (x.data[i] - (zp ? zp.data[s] : 0)) * scale.data[s];
	}
	return { dims, data: out };
}

/** The weight scale quantize_dynamic multiplies in: MatMulInteger -> Cast -> Mul(., Mul(x_scale, w_scale)). */
function dynamicScale(graph: Graph, n: GraphNode): Const | null {
	for (const cast of graph.consumersOf(n.outputs[0]).filter((c) => c.opType === 'Cast'))
		for (const mul of graph.consumersOf(cast.outputs[0]).filter((c) => c.opType === 'Mul')) {
			const other = mul.inputs.find((i) => i !== cast.outputs[0]);
			const p = other ? graph.producer.get(other) : undefined;
			const cands = p && p.opType === 'Mul' ? p.inputs : [other];
			for (const c of cands) {
				const k = constant(graph, c);
				if (k && k.dtype.startsWith('float')) return k;
			}
		}
	return null;
}

export function dequantizeNode(graph: Graph, n: GraphNode): { weight: string; value: Dequantized } | null {
	const w = (i: number, v: Dequantized | null) => (v && n.inputs[i] ? { weight: n.inputs[i], value: v } : null);
	switch (n.opType) {
		case 'MatMulNBits':
			return w(1, nbits(graph, n));
		case 'MatMulBnb4':
			return w(1, bnb4(graph, n));
		case 'GatherBlockQuantized':
			return w(0, gatherBlocks(graph, n));
		case 'DequantizeLinear': {
			const x = constant(graph, n.inputs[0]);
			const s = constant(graph, n.inputs[1]);
			return x && s ? w(0, linearDequant(x, s, constant(graph, n.inputs[2]), attrInt(n, 'axis', 1), attrInt(n, 'block_size', 0))) : null;
		}
		case 'MatMulInteger': {
			const x = constant(graph, n.inputs[1]);
			const s = x ? dynamicScale(graph, n) : null;
			return x && s ? w(1, linearDequant(x, s, constant(graph, n.inputs[3]), 1, 0)) : null;
		}
		case 'QAttention': {
			// (input, weight, bias, input_scale, weight_scale, mask_index, input_zero_point, weight_zero_point): per tensor or per column
			const x = constant(graph, n.inputs[1]);
			const s = constant(graph, n.inputs[4]);
			return x && s ? w(1, linearDequant(x, s, constant(graph, n.inputs[7]), 1, 0)) : null;
		}
		case 'QLinearMatMul': {
			const x = constant(graph, n.inputs[3]);
			const s = constant(graph, n.inputs[4]);
			return x && s ? w(3, linearDequant(x, s, constant(graph, n.inputs[5]), 1, 0)) : null;
		}
		default:
			return null;
	}
}

const memo = new WeakMap<Graph, QuantizedWeight[]>();

/** Every quantized weight's health, dequantized as its op reads it (graph order; unreadable ones left out). */
export function quantizedWeights(graph: Graph): QuantizedWeight[] {
	const hit = memo.get(graph);
	if (hit) return hit;
	const out: QuantizedWeight[] = [];
	for (const n of graph.nodes) {
		const d = dequantizeNode(graph, n);
		if (!d) continue;
		let nan = 0,
			inf = 0,
			min = Infinity,
			max = -Infinity;
		for (const v of d.value.data) {
			if (v !== v) nan++;
			else if (!Number.isFinite(v)) inf++;
			else {
				if (v < min) min = v;
				if (v > max) max = v;
			}
		}
		out.push({ weight: d.weight, op: n.opType, node: n.name || n.opType, dims: d.value.dims, nan, inf, min, max });
	}
	memo.set(graph, out);
	return out;
}
