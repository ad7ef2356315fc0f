// A fused op's operand as float64 values and dims: from the run's store (activations), else from
// the graph (weights, caches, constant masks). float16/bfloat16 are decoded; int tensors too.
import type { Graph } from '../onnx/graph.js';
import { halfToFloat, tensorArray, tensorDims } from '../onnx/index.js';
import type { DType } from '../onnx/dtype.js';
import type { TensorStore } from '../tensor/store.js';

export interface Operand {
	dims: number[];
	data: Float64Array;
}

export function operand(graph: Graph, store: TensorStore, name: string): Operand | null {
	if (!name) return null;
	const t = store.get(name);
	if (t) return { dims: t.dims, data: toF64(t.data, t.dtype) };
	const c = graph.initializers.get(name) ?? graph.constants.get(name);
	if (!c) return null;
	const arr = tensorArray(c);
	if (!arr) return null;
	const dt = ({ 10: 'float16', 16: 'bfloat16' } as Record<number, DType>)[c.dataType] ?? 'float32';
	return { dims: tensorDims(c), data: toF64(arr, dt) };
}

function toF64(a: ArrayLike<number | bigint>, dtype: DType): Float64Array {
	const out = new Float64Array(a.length);
	for (let i = 0; i < a.length; i++) {
		const v = a[i];
		out[i] = dtype === 'float16' ? halfToFloat(v as number) : dtype === 'bfloat16' ? bf16(v as number) : Number(v);
	}
	return out;
}

function bf16(h: number): number {
	const b = new DataView(new ArrayBuffer(4));
	b.setUint32(0, h << 16);
	return b.getFloat32(0);
}
