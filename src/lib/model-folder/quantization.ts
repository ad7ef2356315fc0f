// What a variant's weights are, read from the graph: initializer element types by bytes, and the
// quantized ops that carry them (MatMulNBits keeps int4 blocks in uint8 initializers).
import type { Graph } from '../onnx/graph.js';
import { attrInt } from '../onnx/graph.js';
import { dtypeName } from '../onnx/dtype.js';
import { tensorSize } from '../onnx/tensor.js';

export interface WeightSummary {
	/** Element type holding most of the weight bytes ("float32", "float16", "uint8"...). */
	main: string | null;
	/** Bytes per element type, largest first. */
	bytes: { dtype: string; bytes: number }[];
	/** Quantized ops by type, with MatMulNBits' bit width: "MatMulNBits(4-bit)": 24. */
	quantOps: Record<string, number>;
	/** One word for lists: "int4", "int8", "fp16", "fp32", "bf16" ... */
	label: string;
}

const SIZE: Record<string, number> = {
	float32: 4,
	float64: 8,
	float16: 2,
	bfloat16: 2,
	int64: 8,
	uint64: 8,
	int32: 4,
	uint32: 4,
	int16: 2,
	uint16: 2,
	int8: 1,
	uint8: 1,
	bool: 1
};
const QUANT =
	/^(MatMulNBits|MatMulInteger|QLinear\w+|DequantizeLinear|DynamicQuantizeLinear|GatherBlockQuantized|QAttention|QuantizeLinear|MatMulIntegerToFloat|DynamicQuantizeMatMul)$/;

export function weightSummary(graph: Graph): WeightSummary {
	const by = new Map<string, number>();
	for (const t of graph.initializers.values()) {
		const dt = dtypeName(t.dataType);
		const n = tensorSize(t);
		if (Number.isFinite(n)) by.set(dt, (by.get(dt) ?? 0) + n * (SIZE[dt] ?? 1));
	}
	const quantOps: Record<string, number> = {};
	for (const n of graph.nodes) {
		if (!QUANT.test(n.opType)) continue;
		const key = n.opType === 'MatMulNBits' ? `MatMulNBits(${attrInt(n, 'bits', 4)}-bit)` : n.opType;
		quantOps[key] = (quantOps[key] ?? 0) + 1;
	}
	const bytes = [...by].map(([dtype, b]) => ({ dtype, bytes: b })).sort((a, b) => b.bytes - a.bytes);
	const main = bytes[0]?.dtype ?? null;
	return { main, bytes, quantOps, label: label(main, quantOps) };
}

function label(main: string | null, q: Record<string, number>): string {
	const nbits = Object.keys(q).find((k) => k.startsWith('MatMulNBits'));
	if (nbits) return `int${/\((\d+)-bit\)/.exec(nbits)?.[1] ?? 4}`;
	if (Object.keys(q).length) return 'int8';
	switch (main) {
		case 'float16':
			return 'fp16';
		case 'bfloat16':
			return 'bf16';
		case 'float32':
			return 'fp32';
		default:
			return main ?? 'none';
	}
}
