// Summary capture's plan (runtime/long-plan.ts): chosen when every layer's attention squares would not
// fit the allowance at a long input, never below SUMMARY_MIN_SEQ; its session exposes no square,
// fetches the summaries every run and the shown layer's other tensors, and one head exact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { writeGpt2 } from '../../models/gpt2';
import { Graph, bufferOf, readModel } from '../../src/lib/onnx';
import { analyze } from '../../src/lib/analysis';
import type { Structure } from '../../src/lib/analysis/types';
import {
	CaptureSession,
	HEAD_PATTERN,
	NORM_PREFIX,
	SUMMARY_MIN_SEQ,
	appendSummary,
	choosePlan,
	estimateSizes,
	narrow,
	readSummaries,
	sessionFetches,
	summaryFeeds
} from '../../src/lib/runtime';
import { defaultInputs } from '../../src/lib/runtime/inputs';
import { MiB } from '../../src/lib/runtime/limits';
import type { CapturedTensor } from '../../src/lib/tensor';
import { headRef, longFeeds, takeSummaries } from '../../src/lib/worker/long';

const CFG = { layers: 4, dModel: 64, heads: 4, dFF: 128, vocab: 97, maxPos: 1024, seed: 11 };
const model = 10 * MiB;

let dir: string;
let bytes: Uint8Array;
let graph: Graph;
let structure: Structure;
const feedsOf = (seq: number) => Object.fromEntries(Object.entries(defaultInputs(graph, { seq })).map(([k, t]) => [k, t.dims]));
const planAt = (seq: number, budget: number, captureSet: 'all' | 'semantic' = 'semantic') =>
	choosePlan({ graph, structure, feeds: feedsOf(seq), captureSet, budget, modelBytes: model });
/** Bytes of every layer's attention squares (pattern, softmax input, Q K^T) a selective session would expose. */
const squares = (seq: number) => {
	const sizes = estimateSizes(graph, structure, feedsOf(seq));
	const exposed = new Set(structure.semantic);
	const names = structure.attention.flatMap((a) => [a.pattern, a.scores, a.qk]).filter((n) => exposed.has(n));
	return [...new Set(names)].reduce((t, n) => t + (sizes.get(n) ?? 0), 0);
};

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'long-plan-'));
	bytes = new Uint8Array(readFileSync(writeGpt2(join(dir, 'small.onnx'), CFG).path));
	graph = new Graph(readModel(bytes));
	structure = analyze(graph);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('choosing summary capture', () => {
	it('at a long input whose selective tensors exceed the allowance; selective below SUMMARY_MIN_SEQ or when they fit', () => {
		const seq = 600;
		// At least the patterns: 4 layers x 4 heads x 600^2 x 4 B = 22 MiB.
		expect(squares(seq)).toBeGreaterThanOrEqual(4 * 4 * seq * seq * 4);
		// Everything a selective session exposes is held to the run's end, squares or not: the budget
		// at which selective starts is above the squares' by the other semantic tensors.
		let lo = 2 * model,
			hi = 2 * model + 4096 * MiB;
		while (hi - lo > 1) {
			const mid = Math.floor((lo + hi) / 2);
			if (planAt(seq, mid, 'all').mode === 'summary') lo = mid;
			else hi = mid;
		}
		const tight = lo;
		expect(tight).toBeGreaterThan(2 * model + squares(seq) + MiB);
		const p = planAt(seq, tight, 'all');
		expect(p.mode).toBe('summary');
		expect(p.captureSet).toBe('semantic');
		expect(p.reason).toMatch(
			/tensors at 600 tokens \(every layer's attention patterns, other semantic tensors and the model's outputs, held until a run ends\) would take .* summary capture, row summaries and 120x120 pooled patterns \(blocks of 5x5\)/
		);
		// Room for what selective exposes (not for everything): selective.
		expect(planAt(seq, tight + 1, 'all').mode).toBe('selective');
		// Short inputs keep exact patterns whatever the budget.
		expect(planAt(SUMMARY_MIN_SEQ - 1, 2 * model + 1).mode).toBe('selective');
		expect(planAt(SUMMARY_MIN_SEQ, 2 * model + 1).mode).toBe('summary');
	});

	it('exposes no square, fetches every layer summary, one head exact and the shown layer only', () => {
		const p = planAt(600, 2 * model + 1);
		const sq = new Set(structure.attention.flatMap((a) => [a.pattern, a.scores, a.qk]));
		expect(p.exposed.filter((n) => sq.has(n))).toEqual([]);
		expect(p.summary!.layers.map((l) => l.layer)).toEqual([0, 1, 2, 3]);
		const f = sessionFetches(p, graph, 2, p.exposed)!;
		for (const o of p.summary!.outputs) expect(f).toContain(o);
		expect(f).toContain(HEAD_PATTERN);
		// Streams: every layer's norms, the shown layer's whole (picked in the graph), none exposed.
		expect(f).toContain(NORM_PREFIX + structure.layers[2].output);
		expect(f).toContain('blockscope.shown.flow.output');
		expect(p.exposed).not.toContain(structure.layers[2].output);
		expect(f.filter((n) => p.perLayer[1].includes(n) && !p.always.includes(n))).toEqual([]);
		// Per run: the summaries are small next to one layer's pattern.
		expect(p.selectiveBytes).toBeLessThan(squares(600) / 4);
	});

	it('new inputs: selective narrows to summary; summary stays unless the pooling block changes', () => {
		const budget = 2 * model + 1;
		const sel = planAt(200, budget);
		expect(sel.mode).toBe('selective');
		const long = narrow(sel, planAt(600, budget));
		expect(long.mode).toBe('summary');
		expect(narrow(long, planAt(620, budget))).toBe(long); // block 5 either way
		expect(narrow(long, planAt(700, budget)).summary!.block).toBe(6);
		expect(narrow(long, planAt(200, budget))).toBe(long);
		// Chunked for 600 rows in chunks of 64 (the last from 576): a shorter input that would leave
		// a chunk empty gets the plan made for it.
		const chunked = { ...long, summary: { ...long.summary!, layers: long.summary!.layers.map((L) => ({ ...L, rows: 64 })) } };
		expect(narrow(chunked, planAt(580, budget))).toBe(chunked);
		expect(narrow(chunked, planAt(560, budget)).summary!.seq).toBe(560);
		expect(narrow(chunked, planAt(200, budget)).mode).toBe('selective');
	});
});

describe('a summary session', () => {
	it('steps layer and head on one session: the exact pattern follows the inputs, the summaries stay', async () => {
		const seq = 300;
		const p = planAt(seq, 2 * model + 1);
		expect(p.mode).toBe('summary');
		const session = await CaptureSession.create(ort, bufferOf(bytes.slice()), graph, {
			backend: 'wasm',
			captureSet: p.captureSet,
			semantic: p.exposed,
			edit: (m) => appendSummary(m, p.summary!)
		});
		const feeds = defaultInputs(graph, { seq });
		const at = async (layer: number, head: number) => {
			const extra = Object.fromEntries(summaryFeeds(layer, head).map((t) => [t.name, t as CapturedTensor]));
			return session.run({ ...feeds, ...extra }, sessionFetches(p, graph, layer, session.exposed));
		};
		const a = await at(1, 2);
		const b = await at(3, 0);
		await session.release();
		const full = await CaptureSession.create(ort, bufferOf(bytes.slice()), graph, {
			backend: 'wasm',
			captureSet: 'semantic',
			semantic: [...structure.attention.map((x) => x.pattern), ...p.summary!.shown.flatMap((r) => Object.values(r.byLayer))]
		});
		const ref = await full.run(feeds);
		await full.release();
		const head = (layer: number, h: number) =>
			Array.from((ref.get(structure.layers[layer].attention!.pattern)!.data as Float32Array).subarray(h * seq * seq, (h + 1) * seq * seq));
		expect(Array.from(a.get(HEAD_PATTERN)!.data as Float32Array)).toEqual(head(1, 2));
		expect(Array.from(b.get(HEAD_PATTERN)!.data as Float32Array)).toEqual(head(3, 0));
		expect(a.has(structure.layers[1].attention!.pattern)).toBe(false);
		expect(a.has(NORM_PREFIX + structure.layers[1].output!)).toBe(true);
		expect(b.has(NORM_PREFIX + structure.layers[3].output!)).toBe(true);
		const sa = readSummaries(a, p.summary!);
		const sb = readSummaries(b, p.summary!);
		expect(Array.from(sa[2].rows[3].entropy)).toEqual(Array.from(sb[2].rows[3].entropy));
		expect(sa[0].pooled[0].size).toBe(100);

		// What the worker sends: the summaries leave the tensor list, the exact head stays with its own attention entry.
		expect(Object.keys(longFeeds(p, 1, 2)).sort()).toEqual(['blockscope_head', 'blockscope_layer']);
		const taken = takeSummaries(a, p, { layer: 1, head: 2 }, 'rerun', 12);
		const long = taken.long!;
		expect([long.layer, long.head, long.seq, long.served, long.headPattern]).toEqual([1, 2, seq, 'rerun', HEAD_PATTERN]);
		expect(long.layers.map((l) => [l.layer, l.heads, l.rows.length, l.pooled.length])).toEqual([0, 1, 2, 3].map((l) => [l, 4, 4, 4]));
		expect(taken.store.has(HEAD_PATTERN)).toBe(true);
		expect([...taken.store].filter((t) => t.name.startsWith('blockscope'))).toHaveLength(1);
		// One buffer per fetched summary output, and one per stream norm.
		expect(taken.transfer.length).toBe(4 * 6 + Object.keys(long.norms!).length);
		// The shown layer's tensors, picked in the graph by role, under their own names and equal to a full run's.
		expect(p.summary!.shown.length).toBeGreaterThan(0);
		const shownNames = new Set(p.summary!.shown.map((r) => r.byLayer[1]));
		for (const r of p.summary!.shown) {
			expect(p.exposed).not.toContain(r.byLayer[1]);
			const got = taken.store.get(r.byLayer[1])!;
			expect(got, r.output).toBeDefined();
			expect(Array.from(got.data as Float32Array)).toEqual(Array.from(ref.get(r.byLayer[1])!.data as Float32Array));
			// (Layer 0's output is layer 1's input: a stream shared by two layers comes with either.)
			if (!shownNames.has(r.byLayer[0])) expect(taken.store.has(r.byLayer[0])).toBe(false);
		}
		expect(headRef(long, structure)).toMatchObject({
			layer: 1,
			tensor: HEAD_PATTERN,
			onlyHead: 2,
			heads: 4,
			masked: structure.layers[1].attention!.masked
		});
	});
});
