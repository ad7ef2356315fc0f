// Letting go of a model's bytes once ORT has the weights (src/lib/onnx/detach.ts): nothing in the
// parsed model points into the file's buffer afterwards, matrices read as unknown, and recognition
// (which reads only small constants) finds the same structure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeGpt2 } from '../../models/gpt2';
import { Graph, detachModel, isDropped, readModel, tensorArray } from '../../src/lib/onnx';
import { analyze } from '../../src/lib/analysis';
import { weightCounts } from '../../src/lib/onnx/weights';

let dir: string;
let file: Uint8Array;
beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'detach-'));
	file = new Uint8Array(
		readFileSync(writeGpt2(join(dir, 'g.onnx'), { layers: 2, dModel: 32, heads: 2, dFF: 64, vocab: 100, maxPos: 32 }).path)
	);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every Uint8Array reachable from `obj` whose memory is `buffer`. */
function viewsInto(obj: unknown, buffer: ArrayBufferLike, seen = new Set<object>()): number {
	if (!obj || typeof obj !== 'object' || seen.has(obj)) return 0;
	seen.add(obj);
	if (obj instanceof Uint8Array) return obj.buffer === buffer ? 1 : 0;
	if (ArrayBuffer.isView(obj)) return 0;
	return Object.values(obj).reduce<number>((n, v) => n + viewsInto(v, buffer, seen), 0);
}

describe('detachModel', () => {
	it('leaves nothing pointing into the buffer, drops only matrices, and recognition is unchanged', () => {
		const bytes = file.slice();
		const graph = new Graph(readModel(bytes));
		const before = analyze(graph);
		const gamma = before.norms[0].gamma!;
		const gammaValues = graph.numbersOf(gamma);
		const wte =
			graph.initializers.get('wte') ??
			[...graph.initializers.values()].find((t) => graph.consumers.get(t.name)?.some((n) => n.opType === 'Gather'))!;
		const counts = weightCounts(wte);
		expect(viewsInto(graph.model, bytes.buffer)).toBeGreaterThan(20);

		const d = detachModel(graph, bytes.buffer, 1024);
		expect(viewsInto(graph.model, bytes.buffer)).toBe(0);
		expect(viewsInto(graph.nodes, bytes.buffer)).toBe(0);
		expect(d.dropped).toBeGreaterThanOrEqual(2 * 4 + 1); // per layer qkv, proj, fc, fc2; the embedding
		for (const [name, t] of graph.initializers) {
			if (!isDropped(t)) continue;
			expect(
				graph.consumers.get(name)!.every((n) => ['MatMul', 'Gemm', 'Gather'].includes(n.opType)),
				name
			).toBe(true);
			expect(tensorArray(t)).toBeNull();
		}
		expect(isDropped(wte)).toBe(true);
		expect(weightCounts(wte)).toEqual(counts); // counted before, kept
		expect(graph.numbersOf(gamma)).toEqual(gammaValues); // a norm gain: kept, as its own copy

		// Scribbling over the old buffer changes nothing the graph reads.
		bytes.fill(0xff);
		const after = analyze(graph);
		expect(after.semantic).toEqual(before.semantic);
		expect(after.attention.map((a) => [a.pattern, a.heads, a.masked])).toEqual(before.attention.map((a) => [a.pattern, a.heads, a.masked]));
		expect([...after.hooks]).toEqual([...before.hooks]);
		expect(graph.numbersOf(gamma)).toEqual(gammaValues);
	});
});

describe('constants read from a Node Buffer', () => {
	it('decode from their own bytes (Buffer#slice is a view of the whole file, not a copy)', () => {
		const path = 'models/pre-ln.onnx';
		const fromBuffer = new Graph(readModel(readFileSync(path))); // a Buffer, as readFileSync returns it
		const fromCopy = new Graph(readModel(new Uint8Array(readFileSync(path))));
		let compared = 0;
		for (const [name, t] of fromCopy.initializers) {
			if (t.rawData.byteLength === 0 || t.rawData.byteLength > 4096) continue;
			expect(tensorArray(fromBuffer.initializers.get(name)!), name).toEqual(tensorArray(t));
			compared++;
		}
		expect(compared).toBeGreaterThan(5);
		// And after detaching, the kept constants are copies that still read the same.
		const buf = readFileSync(path);
		const g = new Graph(readModel(buf));
		const before = analyze(g);
		detachModel(g, buf.buffer, 1024);
		buf.fill(0);
		expect(analyze(g).semantic).toEqual(before.semantic);
	});
});
