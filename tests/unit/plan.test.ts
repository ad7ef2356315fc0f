// The capture plan (src/lib/runtime/plan.ts): size estimates against what ORT really produces, the
// switch to selective capture at the budget, and a selective run fetching one layer's tensors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { writeGpt2 } from '../../models/gpt2';
import { Graph, bufferOf, readModel } from '../../src/lib/onnx';
import { analyze } from '../../src/lib/analysis';
import type { Structure } from '../../src/lib/analysis/types';
import { CaptureSession } from '../../src/lib/runtime';
import { defaultInputs } from '../../src/lib/runtime/inputs';
import {
	choosePlan,
	estimateSizes,
	fetchesFor,
	flowNames,
	narrow,
	sessionFetches,
	OUTPUT_CAP,
	WEIGHT_COPIES
} from '../../src/lib/runtime/plan';
import { MiB } from '../../src/lib/runtime/limits';

// GPT-2's topology at a size a unit test can run: 12 layers, d 64, 4 heads, FFN 256.
const CFG = { layers: 12, dModel: 64, heads: 4, dFF: 256, vocab: 300, maxPos: 128 };
const SEQ = 48;

let dir: string;
let bytes: Uint8Array;
let graph: Graph;
let structure: Structure;
const feedsOf = (seq: number) => Object.fromEntries(Object.entries(defaultInputs(graph, { seq })).map(([k, t]) => [k, t.dims]));

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'plan-'));
	const w = writeGpt2(join(dir, 'small.onnx'), CFG);
	bytes = new Uint8Array(readFileSync(w.path));
	graph = new Graph(readModel(bytes));
	structure = analyze(graph);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('estimateSizes', () => {
	it('gives the attention patterns [1, H, S, S] and the streams [1, S, D]', () => {
		const sizes = estimateSizes(graph, structure, feedsOf(SEQ));
		const L = structure.layers[3];
		expect(sizes.get(L.attention!.pattern)).toBe(4 * CFG.heads * SEQ * SEQ);
		expect(sizes.get(L.output!)).toBe(4 * SEQ * CFG.dModel);
		expect(sizes.get(graph.outputs[0].name)).toBe(4 * SEQ * CFG.vocab);
	});

	it('is within 25% of what ORT produces for "all" and "semantic"', async () => {
		const feeds = defaultInputs(graph, { seq: SEQ });
		const sizes = estimateSizes(graph, structure, feedsOf(SEQ));
		for (const captureSet of ['all', 'semantic'] as const) {
			const s = await CaptureSession.create(ort, bufferOf(bytes.slice()), graph, {
				backend: 'wasm',
				captureSet,
				semantic: structure.semantic
			});
			const store = await s.run(feeds);
			await s.release();
			let real = 0;
			let est = 0;
			for (const t of store) {
				if (t.name in feeds) continue;
				real += t.data.byteLength;
				est += sizes.get(t.name) ?? 0;
			}
			expect(est / real, captureSet).toBeGreaterThan(0.75);
			expect(est / real, captureSet).toBeLessThan(1.25);
		}
	});
});

describe('choosePlan', () => {
	const model = 10 * MiB;
	const planAt = (budget: number, captureSet: 'all' | 'semantic' = 'all', seq = SEQ) =>
		choosePlan({ graph, structure, feeds: feedsOf(seq), captureSet, budget, modelBytes: model });

	it('captures the set asked for when it fits, selective when it does not (threshold = budget - weights held twice)', () => {
		const need = planAt(2 ** 40).requestedBytes;
		const atEdge = planAt(WEIGHT_COPIES * model + need);
		expect(atEdge.mode).toBe('full');
		expect(atEdge.captureSet).toBe('all');
		expect(atEdge.reason).toBeNull();
		const over = planAt(WEIGHT_COPIES * model + need - 1);
		expect(over.mode).toBe('selective');
		expect(over.requested).toBe('all');
		expect(over.captureSet).toBe('semantic');
		expect(over.reason).toMatch(/capturing "all" would take .* over the .* selective capture/);
		expect(over.selectiveBytes).toBeLessThan(need);
	});

	it('grows with the sequence: seq 16 fits where seq 128 does not', () => {
		const budget = WEIGHT_COPIES * model + planAt(2 ** 40, 'all', 64).requestedBytes;
		expect(planAt(budget, 'all', 16).mode).toBe('full');
		expect(planAt(budget, 'all', 128).mode).toBe('selective');
	});

	it("puts each layer's semantic tensors in its own fetch, and every layer's stream in every fetch", () => {
		const p = planAt(0, 'semantic');
		expect(p.mode).toBe('selective');
		expect(p.perLayer).toHaveLength(12);
		for (const [i, L] of structure.layers.entries()) {
			expect(p.perLayer[i]).toContain(L.attention!.pattern);
			for (const n of flowNames(L)) if (p.exposed.includes(n)) expect(p.always).toContain(n);
		}
		const f5 = fetchesFor(p, graph, 5)!;
		expect(f5).toContain(structure.layers[5].attention!.pattern);
		expect(f5).not.toContain(structure.layers[4].attention!.pattern);
		expect(f5).toContain(graph.outputs[0].name);
		expect(fetchesFor(planAt(2 ** 40), graph, 5)).toBeNull();
	});

	it('leaves out graph outputs over OUTPUT_CAP in selective mode, and says so (a real vocabulary at seq 200: 38 MiB of logits)', () => {
		const w = writeGpt2(join(dir, 'wide-vocab.onnx'), { layers: 2, dModel: 16, heads: 2, dFF: 32, vocab: 50257, maxPos: 256 });
		const g = new Graph(readModel(new Uint8Array(readFileSync(w.path))));
		const st = analyze(g);
		const feeds = Object.fromEntries(Object.entries(defaultInputs(g, { seq: 200 })).map(([k, t]) => [k, t.dims]));
		const logits = g.outputs[0].name;
		expect(estimateSizes(g, st, feeds).get(logits)).toBe(200 * 50257 * 4);
		expect(200 * 50257 * 4).toBeGreaterThan(OUTPUT_CAP);
		const p = choosePlan({ graph: g, structure: st, feeds, captureSet: 'all', budget: 0, modelBytes: 0 });
		expect(p.mode).toBe('selective');
		expect(p.skippedOutputs).toEqual([logits]);
		expect(p.reason).toContain(`not fetched: the output "${logits}" (38.3 MiB)`);
		expect(fetchesFor(p, g, 1)).not.toContain(logits);
		expect(fetchesFor(p, g, 1)).toContain(st.layers[1].attention!.pattern);
		// At seq 100 (19 MiB) the logits stay in every fetch.
		const small = choosePlan({
			graph: g,
			structure: st,
			feeds: { ...feeds, [g.inputs[0].name]: [1, 100] },
			captureSet: 'all',
			budget: 0,
			modelBytes: 0
		});
		expect(small.skippedOutputs).toEqual([]);
		expect(fetchesFor(small, g, 1)).toContain(logits);
	});

	it('cannot go selective without recognition: says so and captures everything', () => {
		const p = choosePlan({ graph, structure: null, feeds: feedsOf(SEQ), captureSet: 'all', budget: 0, modelBytes: model });
		expect(p.mode).toBe('full');
		expect(p.reason).toMatch(/needs recognized layers/);
	});

	it('a selective run on one session returns the chosen layer only, the same numbers as a full run', async () => {
		const p = planAt(0, 'all');
		const s = await CaptureSession.create(ort, bufferOf(bytes.slice()), graph, {
			backend: 'wasm',
			captureSet: 'semantic',
			semantic: p.exposed
		});
		const full = await s.run(defaultInputs(graph, { seq: 16 }));
		for (const layer of [0, 7, 11]) {
			const part = await s.run(defaultInputs(graph, { seq: 16 }), fetchesFor(p, graph, layer));
			const pat = structure.layers[layer].attention!.pattern;
			expect(part.has(pat)).toBe(true);
			expect(part.has(structure.layers[(layer + 1) % 12].attention!.pattern)).toBe(false);
			expect(Array.from(part.get(pat)!.data as Float32Array)).toEqual(Array.from(full.get(pat)!.data as Float32Array));
			for (const L of structure.layers) if (L.output) expect(part.has(L.output)).toBe(true);
		}
		await s.release();
	});

	it('new inputs on the open session: a full plan narrows to selective when they outgrow the budget, never back', async () => {
		const budget = WEIGHT_COPIES * model + planAt(2 ** 40, 'all', 32).requestedBytes;
		const small = planAt(budget, 'all', 16);
		const big = planAt(budget, 'all', 96);
		expect([small.mode, big.mode]).toEqual(['full', 'selective']);
		expect(narrow(small, big)).toBe(big);
		expect(narrow(big, small)).toBe(big);
		expect(narrow(small, planAt(budget, 'all', 24))).toBe(small);
		// The session made for "all" returns one layer when asked through the narrowed plan.
		const s = await CaptureSession.create(ort, bufferOf(bytes.slice()), graph, { backend: 'wasm', captureSet: 'all' });
		const f = sessionFetches(big, graph, 2, s.exposed)!;
		expect(f.every((n) => s.exposed.includes(n) || n === graph.outputs[0].name)).toBe(true);
		const store = await s.run(defaultInputs(graph, { seq: 96 }), f);
		await s.release();
		expect(store.has(structure.layers[2].attention!.pattern)).toBe(true);
		expect(store.has(structure.layers[3].attention!.pattern)).toBe(false);
		expect(store.get(structure.layers[2].attention!.pattern)!.dims).toEqual([1, CFG.heads, 96, 96]);
	});
});
