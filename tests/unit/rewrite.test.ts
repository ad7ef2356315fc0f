import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { buildModel, encodeModel, node, tensorF32, valueInfo, DT } from '../../src/lib/onnx/build';
import { Graph, readModel, bufferOf } from '../../src/lib/onnx';
import { CaptureSession } from '../../src/lib/runtime';

ort.env.wasm.numThreads = 1;

function tiny(): Uint8Array {
	return encodeModel(
		buildModel({
			name: 'tiny',
			nodes: [node('MatMul', ['x', 'w'], ['h']), node('Relu', ['h'], ['r']), node('Softmax', ['r'], ['y'], { axis: -1 })],
			inputs: [valueInfo('x', DT.FLOAT, [1, 'seq', 4])],
			outputs: [valueInfo('y', DT.FLOAT, [1, 'seq', 4])],
			initializers: [
				tensorF32(
					'w',
					[4, 4],
					Array.from({ length: 16 }, (_, i) => ((i % 5) - 2) * 0.5)
				)
			]
		})
	);
}

describe('capture', () => {
	it('exposes every intermediate and returns them in graph order with correct values', async () => {
		const bytes = tiny();
		const graph = new Graph(readModel(bytes));
		const s = await CaptureSession.create(ort, bufferOf(bytes), graph, { backend: 'wasm', captureSet: 'all' });
		const x = { name: 'x', dims: [1, 1, 4], dtype: 'float32' as const, data: Float32Array.from([1, 2, 3, 4]) };
		const store = await s.run({ x });
		expect(store.order).toEqual(['x', 'h', 'r', 'y']);
		// h = x W with W[i][j] = ((4i + j) % 5 - 2) / 2, computed here by hand.
		const W = (i: number, j: number) => (((4 * i + j) % 5) - 2) * 0.5;
		const h = [0, 1, 2, 3].map((j) => [1, 2, 3, 4].reduce((acc, xi, i) => acc + xi * W(i, j), 0));
		expect(Array.from(store.get('h')!.data as Float32Array)).toEqual(h);
		const r = h.map((v) => Math.max(0, v));
		expect(Array.from(store.get('r')!.data as Float32Array)).toEqual(r);
		const e = r.map((v) => Math.exp(v - Math.max(...r)));
		const y = e.map((v) => v / e.reduce((a, b) => a + b));
		const got = store.get('y')!.data as Float32Array;
		y.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
		await s.release();
	});

	it('leaves the original bytes untouched and keeps unknown fields', async () => {
		const bytes = tiny();
		const copy = bytes.slice();
		const buf = new Uint8Array(bytes.byteLength + 4096);
		buf.set(bytes);
		const graph = new Graph(readModel(bytes));
		const s = await CaptureSession.create(ort, { buffer: buf, length: bytes.byteLength }, graph, { backend: 'wasm', captureSet: 'all' });
		expect([...s.session.outputNames].sort()).toEqual(['h', 'r', 'y']);
		expect(buf.subarray(0, bytes.byteLength)).toEqual(copy);
		await s.release();
	});
});
