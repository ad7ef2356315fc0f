// Which (domain, op) pairs ORT-web's WebGPU EP has a kernel for. onnxruntime-web 1.30's `webgpu`
// bundle runs ORT's native WebGPU EP (it loads ort-wasm-simd-threaded.asyncify.wasm, not JSEP),
// so the list is that EP's kernel registry, read from microsoft/onnxruntime:
//   onnxruntime/core/providers/webgpu/webgpu_execution_provider.cc, RegisterKernels()' table
//   onnxruntime/contrib_ops/webgpu/webgpu_contrib_kernels.cc, RegisterWebGpuContribKernels()
// (entries commented out there are left out here). Every ONNX-domain range in that table is open
// at the top, so the names decide; type limits (Range: float/int32 only) are not checked, and
// ORT also places shape-computing nodes on the CPU by choice: neither shows up here.
import type { Graph } from '../onnx/graph.js';

const ONNX = [
	// unary math and activations
	'Abs Neg Floor Ceil Reciprocal Sqrt Exp Erf Sigmoid HardSigmoid Log Sin Cos Tan Asin Acos Atan Sinh Cosh Asinh Acosh Atanh Tanh Not',
	'Cast Clip Elu Relu LeakyRelu ThresholdedRelu Gelu',
	// binary and comparison
	'Add Sub Mul Div Pow Equal Greater GreaterOrEqual Less LessOrEqual Where',
	// reductions
	'ReduceMax ReduceMean ReduceMin ReduceProd ReduceSum ReduceL1 ReduceL2 ReduceLogSum ReduceSumSquare ReduceLogSumExp ArgMax ArgMin',
	// shape and data movement
	'Shape Reshape Squeeze Unsqueeze Transpose DepthToSpace Concat Split Expand Gather GatherElements Slice Flatten Tile Pad Range ScatterND CumSum Resize',
	// compute
	'Conv ConvTranspose MaxPool AveragePool GlobalAveragePool GlobalMaxPool Gemm MatMul Softmax Einsum If DequantizeLinear',
	// norms (LayerNormalization 1-16 and SimplifiedLayerNormalization are registered by the contrib table in this domain)
	'LayerNormalization InstanceNormalization BatchNormalization SimplifiedLayerNormalization'
];

const MS = [
	'Attention BiasAdd BiasGelu BiasSplitGelu FastGelu FusedConv GatherBlockQuantized Gelu GroupQueryAttention',
	'MatMulNBits MatMulNBitsQkv MatMulNBitsMlp MultiHeadAttention QuickGelu RotaryEmbedding',
	'SkipLayerNormalization SkipSimplifiedLayerNormalization QMoE'
];

const words = (lines: string[]) => new Set(lines.join(' ').split(/\s+/));

/** Op types with a WebGPU kernel, by domain ('' is ONNX). */
export const WEBGPU_KERNELS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
	['', words(ONNX)],
	['com.microsoft', words(MS)]
]);

export interface LackingOp {
	domain: string;
	op: string;
	/** How many nodes of the graph use it. */
	nodes: number;
}

/** The graph's (domain, op) pairs the WebGPU EP has no kernel for, in first-use order. */
export function webgpuLacks(graph: Pick<Graph, 'nodes'>): LackingOp[] {
	const out = new Map<string, LackingOp>();
	for (const n of graph.nodes) {
		const domain = n.domain === 'ai.onnx' ? '' : n.domain;
		// ORT turns Constant nodes into initializers when it loads the graph: no kernel runs them.
		if (WEBGPU_KERNELS.get(domain)?.has(n.opType) || (domain === '' && n.opType === 'Constant')) continue;
		const key = `${domain}\u0000${n.opType}`;
		const seen = out.get(key);
		if (seen) seen.nodes++;
		else out.set(key, { domain, op: n.opType, nodes: 1 });
	}
	return [...out.values()];
}

/** "com.microsoft MatMulInteger, DynamicQuantizeLinear": how the status line names them. */
export function lackingNames(ops: LackingOp[]): string {
	const shown = ops.slice(0, 4).map((o) => (o.domain ? `${o.domain} ${o.op}` : o.op));
	return shown.join(', ') + (ops.length > 4 ? ` and ${ops.length - 4} more` : '');
}
