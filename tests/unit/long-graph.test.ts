// The summary nodes appended to the graph (runtime/long.ts) give the numbers stats/long.ts computes
// from a full capture of the same run: every layer, every head, on a trained zoo model and on the
// GPT-2-shaped stack at a length that is not a multiple of the pooling block.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { Graph, readModel } from '../../src/lib/onnx';
import { analyze } from '../../src/lib/analysis';
import { CaptureSession } from '../../src/lib/runtime/capture';
import { defaultInputs } from '../../src/lib/runtime/inputs';
import { readModelFile } from '../../src/lib/runtime/node/model-file';
import { HEAD_PATTERN, appendSummary, readSummaries, summaryFeeds, summaryGraph, summaryTargets } from '../../src/lib/runtime/long';
import { poolPattern, summarizeRows } from '../../src/lib/stats';
import type { CapturedTensor } from '../../src/lib/tensor';
import { writeGpt2 } from '../../models/gpt2';

let dir = '';
beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'blockscope-long-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Float32 ops in a different order than the float64 reference: entropy sums S terms.
const TOL = { value: 1e-6, entropy: 2e-5 };

async function graphOf(path: string): Promise<Graph> {
	const m = await readModelFile(path);
	return new Graph(readModel(m.buffer.subarray(0, m.length)));
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
	let m = 0;
	for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
	return m;
}

/** Full capture vs the appended nodes on the same feeds; `shown` = [layer, head] of the exact pattern. */
async function compare(path: string, feeds: Record<string, CapturedTensor>, target: number, shown: [number, number]) {
	const model = await readModelFile(path);
	const graph = new Graph(readModel(model.buffer.subarray(0, model.length)));
	const structure = analyze(graph);
	const targets = summaryTargets(structure);
	expect(targets.length).toBe(structure.layers.length);
	const full = await CaptureSession.create(ort, model, graph, {
		backend: 'wasm',
		captureSet: 'semantic',
		semantic: targets.map((t) => t.pattern)
	});
	const store = await full.run(feeds);
	await full.release();
	const seq = store.get(targets[0].pattern)!.dims[3];
	const g = summaryGraph(targets, seq, graph.opset, target, graph);
	const session = await CaptureSession.create(ort, model, graph, {
		backend: 'wasm',
		captureSet: 'none',
		edit: (m) => appendSummary(m, g)
	});
	const extra = Object.fromEntries(summaryFeeds(...shown).map((t) => [t.name, t as CapturedTensor]));
	const got = await session.run({ ...feeds, ...extra }, g.outputs);
	await session.release();
	const layers = readSummaries(got, g);
	let checked = 0;
	for (const L of layers) {
		const p = store.get(L.tensor)!.data as Float32Array; // (1, H, S, S)
		for (let h = 0; h < L.heads; h++) {
			const one = p.subarray(h * seq * seq, (h + 1) * seq * seq);
			const want = summarizeRows(one, seq);
			const rows = L.rows[h];
			expect(maxDiff(rows.max, want.max), `layer ${L.layer} head ${h} max`).toBeLessThanOrEqual(TOL.value);
			expect(Array.from(rows.argmax), `layer ${L.layer} head ${h} argmax`).toEqual(Array.from(want.argmax));
			expect(maxDiff(rows.entropy, want.entropy), `layer ${L.layer} head ${h} entropy`).toBeLessThanOrEqual(TOL.entropy);
			expect(Array.from(rows.sink)).toEqual(Array.from(want.sink));
			const pw = poolPattern(one, seq, target);
			const pooled = L.pooled[h];
			expect([pooled.block, pooled.size]).toEqual([pw.block, pw.size]);
			expect(maxDiff(pooled.max, pw.max), `layer ${L.layer} head ${h} pooled max`).toBe(0);
			expect(maxDiff(pooled.mean, pw.mean), `layer ${L.layer} head ${h} pooled mean`).toBeLessThanOrEqual(TOL.value);
			checked++;
		}
	}
	const [layer, head] = shown;
	const exact = got.get(HEAD_PATTERN)!;
	expect(exact.dims).toEqual([1, 1, seq, seq]);
	const p = store.get(layers[layer].tensor)!.data as Float32Array;
	// Bit-equal: the same run's values, gathered.
	expect(Array.from(exact.data as Float32Array)).toEqual(Array.from(p.subarray(head * seq * seq, (head + 1) * seq * seq)));
	return { checked, g, layers };
}

describe('summary nodes equal summaries of a full capture', () => {
	it('trained zoo pre-ln at seq 64 (pool target 24: block 3, last block 1 wide), all layers and heads', async () => {
		const text = 'Light is propagated from luminous bodies in time, and spends abo';
		const graph = await graphOf('models/pre-ln.onnx');
		const feeds = defaultInputs(graph, { text });
		expect(feeds.tokens?.dims ?? Object.values(feeds)[0].dims).toEqual([1, 64]);
		const { checked, g, layers } = await compare('models/pre-ln.onnx', feeds, 24, [2, 1]);
		expect([g.block, g.size]).toEqual([3, 22]);
		expect(checked).toBe(16);
		// Trained heads are not uniform: the summaries carry real variation.
		expect(Math.max(...layers[1].rows[0].entropy) - Math.min(...layers[1].rows[0].entropy.subarray(8))).toBeGreaterThan(0.1);
	});

	it('GPT-2-shaped stack, 3 layers at seq 301 (pool target 128: block 3, 101 blocks), all heads', async () => {
		const path = writeGpt2(join(dir, 'gpt2.onnx'), { layers: 3, dModel: 64, heads: 4, dFF: 128, vocab: 97, maxPos: 512, seed: 3 }).path;
		const graph = await graphOf(path);
		const feeds = defaultInputs(graph, { seq: 301, seed: 5 });
		const { checked, g } = await compare(path, feeds, 128, [1, 3]);
		expect([g.seq, g.block, g.size]).toEqual([301, 3, 101]);
		expect(checked).toBe(12);
	}, 60_000);
});
