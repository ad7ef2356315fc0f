// A model with >= 100 MB of weights is read and rewritten for capture with peak extra memory well
// under its size: the file is read once into a buffer with spare room, parsing keeps the weights
// as views into it, and the extra outputs are appended into that spare room.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel, encodeModel, node, valueInfo, DT } from '../../src/lib/onnx/build';
import { Graph, allIntermediates, exposeOutputs, readModel, spareFor } from '../../src/lib/onnx';
import { readModelFile } from '../../src/lib/runtime/node/model-file';

const ROWS = 6_553_600; // emb [ROWS, 4] float32 = 100 MiB
const WEIGHT_BYTES = ROWS * 4 * 4;
const MiB = 1 << 20;
let dir = '';
let path = '';

function varint(n: number): number[] {
	const out: number[] = [];
	do {
		out.push((n % 128) | (n >= 128 ? 0x80 : 0));
		n = Math.floor(n / 128);
	} while (n > 0);
	return out;
}

/**
 * Writes the model without ever holding the weights in memory: the small model (nodes, inputs,
 * outputs), then a second `graph` field holding only the big initializer, whose raw_data is
 * streamed in 1 MiB chunks. Protobuf merges the two graph fields.
 */
function writeBigModel(file: string): number {
	const small = encodeModel(
		buildModel({
			name: 'big',
			nodes: [node('Gather', ['emb', 'ids'], ['e']), node('ReduceSum', ['e'], ['s'], { keepdims: 0 }), node('Relu', ['s'], ['y'])],
			inputs: [valueInfo('ids', DT.INT64, [1, 'seq'])],
			outputs: [valueInfo('y', DT.FLOAT, [])],
			initializers: []
		})
	);
	const name = new TextEncoder().encode('emb');
	const tensorHead = [
		0x08,
		...varint(ROWS),
		0x08,
		4, // dims (field 1)
		0x10,
		DT.FLOAT, // data_type (field 2)
		0x42,
		name.byteLength,
		...name, // name (field 8)
		0x4a,
		...varint(WEIGHT_BYTES) // raw_data (field 9), bytes follow
	];
	const tensorLen = tensorHead.length + WEIGHT_BYTES;
	const graphHead = [0x2a, ...varint(tensorLen)]; // initializer (field 5)
	const modelHead = [0x3a, ...varint(graphHead.length + tensorLen)]; // graph (field 7)
	const fd = openSync(file, 'w');
	try {
		writeSync(fd, small);
		writeSync(fd, Uint8Array.from([...modelHead, ...graphHead, ...tensorHead]));
		const chunk = new Float32Array(MiB / 4).map((_, i) => ((i % 97) - 48) / 64);
		for (let off = 0; off < WEIGHT_BYTES; off += MiB) writeSync(fd, new Uint8Array(chunk.buffer, 0, Math.min(MiB, WEIGHT_BYTES - off)));
	} finally {
		closeSync(fd);
	}
	return statSync(file).size;
}

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'bs-mem-'));
	path = join(dir, 'big.onnx');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('memory', () => {
	it('reads and rewrites a 100 MiB model with extra memory well under its size', async () => {
		const size = writeBigModel(path);
		expect(size).toBeGreaterThan(100e6);
		const mem = () => process.memoryUsage();

		const m0 = mem();
		const model = await readModelFile(path);
		const m1 = mem();
		const proto = readModel(model.buffer.subarray(0, model.length));
		const graph = new Graph(proto);
		const m2 = mem();
		const names = allIntermediates(graph);
		const bytes = exposeOutputs(model, names);
		const m3 = mem();

		// Reading: exactly one buffer, the file plus the spare room, no second copy.
		expect(model.length).toBe(size);
		expect(model.buffer.byteLength).toBe(size + spareFor(size));
		expect(m1.arrayBuffers - m0.arrayBuffers).toBeLessThan(size + spareFor(size) + 4 * MiB);
		// The weights are a view into that buffer, not a copy.
		const emb = graph.initializers.get('emb')!;
		expect(emb.rawData.byteLength).toBe(WEIGHT_BYTES);
		expect(emb.rawData.buffer).toBe(model.buffer.buffer);
		// Rewriting appends in place: same buffer, original bytes first.
		expect(names).toEqual(['e', 's']);
		expect(bytes.buffer).toBe(model.buffer.buffer);
		expect(bytes.byteOffset).toBe(0);
		expect(bytes.byteLength).toBeGreaterThan(size);
		// Parse + graph + rewrite together: a few MiB at most, against a 100 MiB model.
		const extra = m3.arrayBuffers - m1.arrayBuffers;
		const extraRss = m3.rss - m1.rss;
		console.log(
			`memory: model ${(size / MiB).toFixed(0)} MiB; read +${((m1.arrayBuffers - m0.arrayBuffers) / MiB).toFixed(1)} MiB buffers; parse+rewrite +${(extra / MiB).toFixed(1)} MiB buffers, +${(extraRss / MiB).toFixed(1)} MiB rss`
		);
		expect(extra).toBeLessThan(0.05 * size);
		expect(extraRss).toBeLessThan(0.1 * size);
		expect(m2.arrayBuffers - m1.arrayBuffers).toBeLessThan(0.05 * size);

		// The rewritten bytes parse back with the new outputs and the same weights.
		const again = readModel(bytes);
		expect(again.graph!.output.map((o) => o.name)).toEqual(['y', 'e', 's']);
		expect(again.graph!.initializer[0].rawData.byteLength).toBe(WEIGHT_BYTES);
	});

	it('refuses a file over the budget with a clear message', async () => {
		await expect(readModelFile(path, { maxBytes: 50 * MiB })).rejects.toThrow(/big\.onnx is 100\.0 MiB, over the 50\.0 MiB limit/);
	});
});
