// model_info's graph-level facts: which quantization ops the graph uses, the float type of its
// weights, and how many fused ops (ORT's com.microsoft domain, ONNX Attention) it holds.
import type { Graph } from '../onnx/graph.js';
import { dtypeName } from '../onnx/dtype.js';

export type FloatType = 'float32' | 'float16' | 'bfloat16' | 'mixed';

export interface GraphModelInfo {
	quantization: string[];
	float_type: FloatType;
	fused_ops: Record<string, number>;
}

const QUANTIZATION = new Set([
	'MatMulNBits',
	'GatherBlockQuantized',
	'MatMulBnb4',
	'DynamicQuantizeLinear',
	'MatMulInteger',
	'MatMulIntegerToFloat',
	'DynamicQuantizeMatMul',
	'QuantizeLinear',
	'DequantizeLinear',
	'QLinearMatMul',
	'QLinearConv',
	'QLinearAdd',
	'QLinearMul',
	'QGemm',
	'QAttention',
	'QEmbedLayerNormalization'
]);

export function graphModelInfo(graph: Graph): GraphModelInfo {
	const quantization = new Set<string>();
	const fused: Record<string, number> = {};
	for (const n of graph.nodes) {
		if (QUANTIZATION.has(n.opType)) quantization.add(n.opType);
		if (n.domain === 'com.microsoft' || (n.domain === '' && n.opType === 'Attention')) fused[n.opType] = (fused[n.opType] ?? 0) + 1;
	}
	return { quantization: [...quantization].sort(), float_type: floatType(graph), fused_ops: fused };
}

/** The narrowest float the weights are stored in ('bfloat16', 'float16'), or null when all are float32: what the backend diff's tolerance follows. */
export function computePrecision(graph: Graph): 'float16' | 'bfloat16' | null {
	let out: 'float16' | 'bfloat16' | null = null;
	for (const t of graph.initializers.values()) {
		const d = dtypeName(t.dataType);
		if (d === 'bfloat16') return d;
		if (d === 'float16') out = d;
	}
	return out;
}

/** The float type of the float weights (a fp16 model keeps fp32 inputs and outputs: keep_io_types); float32 when none. */
function floatType(graph: Graph): FloatType {
	const kinds = new Set<string>();
	for (const t of graph.initializers.values()) {
		const d = dtypeName(t.dataType);
		if (d === 'float32' || d === 'float16' || d === 'bfloat16') kinds.add(d);
	}
	if (!kinds.size) return 'float32';
	return kinds.size === 1 ? ([...kinds][0] as FloatType) : 'mixed';
}
