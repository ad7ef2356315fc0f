// The one typed store every view reads: captured tensors by ONNX name, in graph order.
import type { DType } from '../onnx/index.js';

export type TensorData =
	| Float32Array
	| Float64Array
	| Int8Array
	| Uint8Array
	| Int16Array
	| Uint16Array
	| Int32Array
	| Uint32Array
	| BigInt64Array
	| BigUint64Array;

export interface CapturedTensor {
	name: string; // ONNX tensor name
	dims: number[];
	dtype: DType;
	data: TensorData; // row-major, dims.reduce(*) elements (float16 kept as raw Uint16Array bits)
}

export class TensorStore {
	private readonly byName = new Map<string, CapturedTensor>();
	readonly order: string[] = [];

	add(t: CapturedTensor): void {
		if (!this.byName.has(t.name)) this.order.push(t.name);
		this.byName.set(t.name, t);
	}

	get(name: string): CapturedTensor | undefined {
		return this.byName.get(name);
	}

	has(name: string): boolean {
		return this.byName.has(name);
	}

	get size(): number {
		return this.order.length;
	}

	*[Symbol.iterator](): IterableIterator<CapturedTensor> {
		for (const n of this.order) yield this.byName.get(n)!;
	}
}

/** A store of the given tensors, in the order given (a later one of the same name replaces an earlier). */
export function storeOf(tensors: Iterable<CapturedTensor>): TensorStore {
	const store = new TensorStore();
	for (const t of tensors) store.add(t);
	return store;
}
