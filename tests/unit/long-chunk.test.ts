// Attention in query chunks under summary capture (runtime/long-chunk*.ts): the chunked chain's
// summaries equal stats/long.ts on a full capture of the same run, the shown head is the pattern's
// own rows bit for bit, and what the model computes downstream (every layer's output, the logits)
// equals a plain run, on the GPT-2-shaped stack and the zoo's spellings, at lengths that are not a
// multiple of the chunk.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { Graph, readModel } from '../../src/lib/onnx';
import { analyze } from '../../src/lib/analysis';
import { CaptureSession } from '../../src/lib/runtime/capture';
import { defaultInputs } from '../../src/lib/runtime/inputs';
import { readModelFile } from '../../src/lib/runtime/node/model-file';
import {
	HEAD_PATTERN,
	appendSummary,
	readSummaries,
	summaryFeeds,
	summaryGraph,
	summaryTargets,
	type SummaryOptions
} from '../../src/lib/runtime/long';
import { attentionChain, chunkRows, chunkStarts, chunksFit } from '../../src/lib/runtime/long-chunk';
import { poolPattern, summarizeRows } from '../../src/lib/stats';
import type { CapturedTensor } from '../../src/lib/tensor';
import { writeGpt2 } from '../../models/gpt2';
import { DT, encodeModel, valueInfo } from '../../src/lib/onnx/build';
import { zooBuild } from '../../models/zoo/oracle';
import type { Spelling } from '../../models/zoo/spelling';

let dir = '';
beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'blockscope-chunk-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TOL = { value: 1e-6, entropy: 2e-5, downstream: 1e-5 };

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
	let m = 0;
	for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
	return m;
}

/** Largest |a - b| / max(|b|, 1e-3): relative where values are not tiny. */
function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
	let m = 0;
	for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-3));
	return m;
}

/** A full capture (patterns, layer outputs, logits) vs the chunked summary session on the same feeds. */
async function compare(path: string, feeds: Record<string, CapturedTensor>, target: number, shown: [number, number], opts: SummaryOptions) {
	const model = await readModelFile(path);
	const graph = new Graph(readModel(model.buffer.subarray(0, model.length)));
	const structure = analyze(graph);
	const targets = summaryTargets(structure);
	const streams = structure.layers.map((L) => L.output).filter((n): n is string => !!n);
	const full = await CaptureSession.create(ort, model, graph, {
		backend: 'wasm',
		captureSet: 'semantic',
		semantic: [...targets.map((t) => t.pattern), ...streams]
	});
	const store = await full.run(feeds);
	await full.release();
	const seq = store.get(targets[0].pattern)!.dims[3];
	const g = summaryGraph(targets, seq, graph.opset, target, graph, opts);
	const session = await CaptureSession.create(ort, model, graph, {
		backend: 'wasm',
		captureSet: 'semantic',
		semantic: streams,
		edit: (m) => appendSummary(m, g)
	});
	const extra = Object.fromEntries(summaryFeeds(...shown).map((t) => [t.name, t as CapturedTensor]));
	const outputs = graph.outputs.map((o) => o.name);
	const got = await session.run({ ...feeds, ...extra }, [...g.outputs, ...streams, ...outputs]);
	await session.release();
	let checked = 0;
	for (const L of readSummaries(got, g)) {
		const p = store.get(L.tensor)!.data as Float32Array; // (1, H, S, S)
		for (let h = 0; h < L.heads; h++) {
			const one = p.subarray(h * seq * seq, (h + 1) * seq * seq);
			const want = summarizeRows(one, seq);
			const rows = L.rows[h];
			const at = `layer ${L.layer} head ${h}`;
			expect(maxDiff(rows.max, want.max), `${at} max`).toBeLessThanOrEqual(TOL.value);
			expect(Array.from(rows.argmax), `${at} argmax`).toEqual(Array.from(want.argmax));
			expect(maxDiff(rows.entropy, want.entropy), `${at} entropy`).toBeLessThanOrEqual(TOL.entropy);
			expect(Array.from(rows.sink), `${at} sink`).toEqual(Array.from(want.sink));
			const pw = poolPattern(one, seq, target);
			expect(maxDiff(L.pooled[h].max, pw.max), `${at} pooled max`).toBe(0);
			expect(maxDiff(L.pooled[h].mean, pw.mean), `${at} pooled mean`).toBeLessThanOrEqual(TOL.value);
			checked++;
		}
	}
	const [layer, head] = shown;
	const exact = got.get(HEAD_PATTERN)!;
	expect(exact.dims).toEqual([1, 1, seq, seq]);
	const p = store.get(targets[layer].pattern)!.data as Float32Array;
	// Bit-equal: the same ops on the same rows.
	expect(Array.from(exact.data as Float32Array)).toEqual(Array.from(p.subarray(head * seq * seq, (head + 1) * seq * seq)));
	for (const n of [...streams, ...outputs]) {
		const a = got.get(n)!;
		expect(a.dims, n).toEqual(store.get(n)!.dims);
		expect(relDiff(a.data as Float32Array, store.get(n)!.data as Float32Array), n).toBeLessThanOrEqual(TOL.downstream);
	}
	return { checked, g };
}

describe('chunk height', () => {
	it('fits one chunk pattern in 32 MiB, a multiple of the pooling block, within [64, S]', () => {
		expect(chunkRows(2048, 12, 16)).toBe(336); // 12 x 336 x 2048 x 4 B = 31.5 MiB
		expect(chunkRows(4096, 12, 32)).toBe(160);
		expect(chunkRows(301, 4, 3)).toBe(303); // the whole input in one chunk (rounded up to the block)
		expect(chunkRows(16384, 32, 128)).toBe(128); // at least 64 rows, rounded up to the block
		expect(chunkStarts(301, 64)).toEqual([0, 64, 128, 192, 256]);
		// Nodes built for 301 rows serve any run that leaves no chunk empty (the last takes the rest).
		const at = (rows: number[]) => ({ seq: 301, layers: rows.map((r) => ({ rows: r })) });
		expect([256, 257, 400].map((s) => chunksFit(at([64]), s))).toEqual([false, true, true]);
		expect(chunksFit(at([303, 64]), 256)).toBe(false); // every layer counts
		expect(chunksFit({ seq: 301, layers: [{}] }, 10)).toBe(true); // not chunked
	});

	it('a session chunked for 301 tokens runs 270 and 400: every row summarized, the last chunk takes the rest', async () => {
		const path = writeGpt2(join(dir, 'gpt2-len.onnx'), { layers: 2, dModel: 64, heads: 4, dFF: 128, vocab: 97, maxPos: 512, seed: 7 }).path;
		const model = await readModelFile(path);
		const graph = new Graph(readModel(model.buffer.subarray(0, model.length)));
		const targets = summaryTargets(analyze(graph));
		const g = summaryGraph(targets, 301, graph.opset, 128, graph, { rows: 64 });
		const full = await CaptureSession.create(ort, model, graph, {
			backend: 'wasm',
			captureSet: 'semantic',
			semantic: [targets[1].pattern]
		});
		const session = await CaptureSession.create(ort, model, graph, {
			backend: 'wasm',
			captureSet: 'none',
			edit: (m) => appendSummary(m, g)
		});
		const extra = Object.fromEntries(summaryFeeds(1, 2).map((t) => [t.name, t as CapturedTensor]));
		for (const seq of [270, 400]) {
			const feeds = defaultInputs(graph, { seq, seed: 1 });
			const want = (await full.run(feeds)).get(targets[1].pattern)!.data as Float32Array;
			const got = await session.run({ ...feeds, ...extra }, g.outputs);
			const rows = readSummaries(got, g)[1].rows[2];
			expect(rows.max.length).toBe(seq);
			expect(maxDiff(rows.max, summarizeRows(want.subarray(2 * seq * seq, 3 * seq * seq), seq).max)).toBeLessThanOrEqual(TOL.value);
			expect(Array.from(got.get(HEAD_PATTERN)!.data as Float32Array)).toEqual(Array.from(want.subarray(2 * seq * seq, 3 * seq * seq)));
		}
		await full.release();
		await session.release();
	}, 60_000);
});

describe('chunked summaries equal summaries of a full capture', () => {
	it('GPT-2-shaped stack, 3 layers at seq 301 in chunks of 64 (block 4, the last chunk 45 rows)', async () => {
		const path = writeGpt2(join(dir, 'gpt2.onnx'), { layers: 3, dModel: 64, heads: 4, dFF: 128, vocab: 97, maxPos: 512, seed: 3 }).path;
		const model = await readModelFile(path);
		const graph = new Graph(readModel(model.buffer.subarray(0, model.length)));
		const feeds = defaultInputs(graph, { seq: 301, seed: 5 });
		const { checked, g } = await compare(path, feeds, 76, [1, 3], { rows: 64 });
		expect([g.block, g.rows]).toEqual([4, 64]);
		expect(g.layers.every((L) => L.chunked)).toBe(true);
		// Q K^T, scale, mask, Softmax and MatMul(pattern, V) of every layer leave the model.
		expect(g.drop.length).toBe(3 * 5);
		expect(checked).toBe(12);
	}, 60_000);

	const text = 'Light is propagated from luminous bodies in time, and spends abo';
	const spellings: Partial<Spelling>[] = [
		{},
		{ mask: 'add-large' },
		{ mask: 'add-inf', scale: 'before' },
		{ names: 'torch', mask: 'add-large' }
	];
	for (const spelling of spellings)
		it(`zoo pre-ln at seq 64 in chunks of 15 (block 3), spelling ${JSON.stringify(spelling)}`, async () => {
			const path = join(dir, `pre-ln-${Object.values(spelling).join('-') || 'default'}.onnx`);
			writeFileSync(path, encodeModel(zooBuild('pre-ln', spelling).model));
			const graph = new Graph(readModel(encodeModel(zooBuild('pre-ln', spelling).model)));
			const feeds = defaultInputs(graph, { text });
			const { checked, g } = await compare(path, feeds, 24, [2, 1], { rows: 15 });
			expect([g.block, g.rows]).toEqual([3, 15]);
			expect(g.layers.every((L) => L.chunked)).toBe(true);
			expect(checked).toBe(16);
		}, 60_000);

	it('leaves a chain it cannot replay to the whole-pattern nodes (the pattern is also a graph output)', () => {
		const m = readModel(encodeModel(zooBuild('pre-ln').model));
		const targets = summaryTargets(analyze(new Graph(m)));
		m.graph!.output.push(valueInfo(targets[1].pattern, DT.FLOAT, null));
		const graph = new Graph(m);
		expect(attentionChain(graph, targets[0].pattern)).not.toBeNull();
		expect(attentionChain(graph, targets[1].pattern)).toBeNull();
		const g = summaryGraph(targets, 64, graph.opset, 24, graph, { rows: 15 });
		expect(g.layers.map((L) => !!L.chunked)).toEqual([true, false, true, true]);
		expect(g.drop.length).toBe(3 * 5);
	});
});
