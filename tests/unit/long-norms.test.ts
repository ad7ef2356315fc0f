// Stream norms in the graph (runtime/long-norms.ts): under summary capture the residual-flow chart's
// numbers come from appended ReduceL2 nodes instead of every layer's [1, S, D] streams. They must
// equal what the page computes from a full capture of the same run (report/resid.ts), every layer
// and series, on trained zoo models (pre-norm, post-norm, parallel) and the GPT-2-shaped stack
// through the plan the worker uses; the shown layer's streams still come whole. And the LM head
// computed on the last positions only (runtime/long-logits.ts) equals the same rows of a full run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { Graph, bufferOf, readModel } from '../../src/lib/onnx';
import { analyze } from '../../src/lib/analysis';
import type { Structure } from '../../src/lib/analysis/types';
import {
	CaptureSession,
	LOGITS_WINDOW,
	addOrder,
	appendSummary,
	choosePlan,
	flowNames,
	sessionFetches,
	streamNorms,
	summaryFeeds,
	summaryGraph,
	summaryTargets,
	windowLogits,
	windowedSkips,
	type CapturePlan
} from '../../src/lib/runtime';
import { defaultInputs } from '../../src/lib/runtime/inputs';
import { MiB } from '../../src/lib/runtime/limits';
import { residOf, statsPlan, type ResidStats } from '../../src/lib/report';
import type { CapturedTensor, TensorStore } from '../../src/lib/tensor';
import { takeSummaries } from '../../src/lib/worker/long';
import { transferable } from '../../src/lib/worker/run-info';
import { heldBytes } from '../../src/lib/worker/held';
import type { ResultMessage } from '../../src/lib/worker/protocol';
import { logitsNote } from '../../src/lib/worker/progress';
import { writeGpt2 } from '../../models/gpt2';

let dir = '';
beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'blockscope-norms-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every series of the flow chart, as [name, values] (nulls where a block has none). */
function series(r: ResidStats[]): [string, number[] | null][] {
	return r.flatMap((x, l) => [
		[`${l}.pre`, x.pre],
		[`${l}.mid`, x.mid],
		[`${l}.post`, x.post],
		[`${l}.attn_ratio`, x.attn_ratio],
		[`${l}.mlp_ratio`, x.mlp_ratio],
		[`${l}.both_ratio`, x.both_ratio],
		[`${l}.before.mid`, x.before_norm?.mid ?? null],
		[`${l}.before.post`, x.before_norm?.post ?? null]
	]);
}

/** The graph's series equal the full capture's within `tol` relative; returns how many values were compared. */
function expectClose(got: ResidStats[], want: ResidStats[], tol = 1e-5): number {
	const g = new Map(series(got));
	let n = 0;
	for (const [name, w] of series(want)) {
		const v = g.get(name) ?? null;
		expect(v === null, name).toBe(w === null);
		if (!v || !w) continue;
		expect(v.length, name).toBe(w.length);
		for (let i = 0; i < w.length; i++) {
			const rel: number = Math.abs(v[i] - w[i]) / Math.max(Math.abs(w[i]), 1e-30);
			if (rel > tol) expect.fail(`${name}[${i}]: ${v[i]} against ${w[i]} (relative ${rel})`);
			n++;
		}
	}
	return n;
}

/** The page's numbers from a full capture of every stream tensor. */
async function fullResid(bytes: Uint8Array, graph: Graph, s: Structure, feeds: Record<string, CapturedTensor>): Promise<ResidStats[]> {
	const full = await CaptureSession.create(ort, bufferOf(bytes.slice()), graph, {
		backend: 'wasm',
		captureSet: 'semantic',
		semantic: s.layers.flatMap(flowNames)
	});
	const store = await full.run(feeds);
	await full.release();
	return residOf(statsPlan(graph, s)!, store);
}

function readZoo(name: string): { bytes: Uint8Array; graph: Graph; s: Structure } {
	const bytes = new Uint8Array(readFileSync(`models/${name}.onnx`));
	const graph = new Graph(readModel(bytes));
	return { bytes, graph, s: analyze(graph) };
}

describe('stream norms computed in the graph', () => {
	for (const name of ['pre-ln', 'post-ln', 'parallel'])
		it(`zoo ${name} at seq 64: every layer's flow series equal the full capture's`, async () => {
			const { bytes, graph, s } = readZoo(name);
			const feeds = defaultInputs(graph, { text: 'Light is propagated from luminous bodies in time, and spends abo' });
			const want = await fullResid(bytes, graph, s, feeds);
			const g = summaryGraph(summaryTargets(s), 64, graph.opset, 24);
			const flow = new Set(s.layers.flatMap(flowNames));
			const dropped = streamNorms(graph, s, g, flow);
			addOrder(graph, g);
			// Every stream tensor of a role present in every layer leaves the exposed set.
			expect(dropped.size).toBeGreaterThanOrEqual(s.layers.length * 3);
			const session = await CaptureSession.create(ort, bufferOf(bytes.slice()), graph, {
				backend: 'wasm',
				captureSet: 'none',
				edit: (m) => appendSummary(m, g)
			});
			const extra = Object.fromEntries(summaryFeeds(1, 0).map((t) => [t.name, t as CapturedTensor]));
			const got = await session.run({ ...feeds, ...extra }, g.outputs);
			await session.release();
			const plan = { summary: g, perLayer: s.layers.map(() => []) } as unknown as CapturePlan;
			const taken = takeSummaries(got, plan, { layer: 1, head: 0 }, 'open', 0);
			const norms = taken.long!.norms!;
			expect(Object.keys(norms).sort()).toEqual([...flow].sort());
			// Norms only: drop the shown layer's whole tensors to check the graph's numbers alone.
			const only = residOf(statsPlan(graph, s)!, new Map() as unknown as TensorStore, norms);
			expect(expectClose(only, want)).toBeGreaterThan(s.layers.length * 3 * 64);
			// The page's store: layer 1's streams whole, under their own names, equal to the full run's.
			for (const t of s.layers[1].residuals.map((r) => r.branch)) expect(taken.store.has(t), t).toBe(true);
			expect(taken.store.has(s.layers[0].residuals[0].branch)).toBe(false);
			expectClose(residOf(statsPlan(graph, s)!, taken.store, norms), want);
		});

	it('GPT-2-shaped stack at seq 300 through the plan: no stream exposed, the series equal a full capture', async () => {
		const path = writeGpt2(join(dir, 'gpt2.onnx'), { layers: 4, dModel: 64, heads: 4, dFF: 128, vocab: 97, maxPos: 512, seed: 7 }).path;
		const bytes = new Uint8Array(readFileSync(path));
		const graph = new Graph(readModel(bytes));
		const s = analyze(graph);
		const feeds = defaultInputs(graph, { seq: 300, seed: 2 });
		const dims = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, t.dims]));
		const p = choosePlan({ graph, structure: s, feeds: dims, captureSet: 'semantic', budget: 20 * MiB + 1, modelBytes: 10 * MiB });
		expect(p.mode).toBe('summary');
		const flow = s.layers.flatMap(flowNames);
		expect(p.exposed.filter((n) => flow.includes(n))).toEqual([]);
		expect(p.always.filter((n) => flow.includes(n))).toEqual([]);
		const want = await fullResid(bytes, graph, s, feeds);
		const session = await CaptureSession.create(ort, bufferOf(bytes.slice()), graph, {
			backend: 'wasm',
			captureSet: p.captureSet,
			semantic: p.exposed,
			edit: (m) => appendSummary(m, p.summary!)
		});
		const extra = Object.fromEntries(summaryFeeds(2, 1).map((t) => [t.name, t as CapturedTensor]));
		const got = await session.run({ ...feeds, ...extra }, sessionFetches(p, graph, 2, session.exposed));
		await session.release();
		const taken = takeSummaries(got, p, { layer: 2, head: 1 }, 'open', 0);
		const norms = taken.long!.norms!;
		// The worker keeps nothing: every buffer of the message is transferred.
		const sent = transferable(taken.store);
		const moved = new Set([...sent.transfer, ...taken.transfer]);
		const msg = { tensors: sent.tensors, long: taken.long } as ResultMessage;
		const all = [
			...msg.tensors.map((t) => t.data as Float32Array),
			...Object.values(norms),
			...taken.long!.layers.flatMap((L) => L.rows.map((r) => r.max))
		];
		for (const a of all) expect(moved.has(a.buffer as ArrayBuffer)).toBe(true);
		expect(heldBytes(msg)).toBe([...moved].reduce((t, b) => t + b.byteLength, 0));
		const only = residOf(statsPlan(graph, s)!, new Map() as unknown as TensorStore, norms);
		expect(expectClose(only, want)).toBe(4 * 5 * 300); // pre, mid, post and two ratios per layer
		expectClose(residOf(statsPlan(graph, s)!, taken.store, norms), want);
		// Layer 2's streams whole (its input is layer 1's output), no other layer's.
		const L = s.layers[2];
		for (const t of [L.input!, L.output!, ...L.residuals.map((r) => r.branch)]) expect(taken.store.has(t), t).toBe(true);
		expect(taken.store.has(s.layers[3].output!)).toBe(false);
		expect(taken.store.has(s.layers[0].residuals[0].branch)).toBe(false);
	}, 60_000);
});

describe('logits on the last positions only', () => {
	/** Rows `from`.. of a [1, S, V] tensor, as numbers. */
	const rows = (t: CapturedTensor, from: number) => Array.from((t.data as Float32Array).subarray(from * t.dims[2]));

	it('GPT-2-shaped stack at a fixed seq 300 through the plan: logits [1, 128, V] equal the last 128 rows of a full run', async () => {
		// A fixed length declares logits [1, 300, V]: the windowed output must not be checked against it.
		const path = writeGpt2(join(dir, 'gpt2-logits.onnx'), {
			seq: 300,
			layers: 2,
			dModel: 64,
			heads: 4,
			dFF: 128,
			vocab: 97,
			maxPos: 512,
			seed: 9
		}).path;
		const bytes = new Uint8Array(readFileSync(path));
		const graph = new Graph(readModel(bytes));
		const s = analyze(graph);
		const feeds = defaultInputs(graph, { seq: 300, seed: 4 });
		const dims = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, t.dims]));
		const p = choosePlan({ graph, structure: s, feeds: dims, captureSet: 'semantic', budget: 20 * MiB + 1, modelBytes: 10 * MiB });
		expect(graph.outputs[0].dims).toEqual([1, 300, 97]);
		expect(p.summary!.logits).toEqual({ window: LOGITS_WINDOW, outputs: ['logits'], fetched: true });
		expect(p.skippedOutputs).toEqual(['logits']);
		const plain = await CaptureSession.create(ort, bufferOf(bytes.slice()), graph, { backend: 'wasm', captureSet: 'none' });
		const want = (await plain.run(feeds)).get('logits')!;
		await plain.release();
		expect(want.dims).toEqual([1, 300, 97]);
		const session = await CaptureSession.create(ort, bufferOf(bytes.slice()), graph, {
			backend: 'wasm',
			captureSet: p.captureSet,
			semantic: p.exposed,
			skipOutputs: p.skippedOutputs,
			edit: (m) => appendSummary(m, p.summary!)
		});
		const extra = Object.fromEntries(summaryFeeds(0, 0).map((t) => [t.name, t as CapturedTensor]));
		const got = await session.run({ ...feeds, ...extra }, sessionFetches(p, graph, 0, session.exposed));
		await session.release();
		const taken = takeSummaries(got, p, { layer: 0, head: 0 }, 'open', 0);
		const logits = taken.store.get('logits')!;
		expect(logits.dims).toEqual([1, LOGITS_WINDOW, 97]);
		expect(rows(logits, 0)).toEqual(rows(want, 300 - LOGITS_WINDOW));
		expect(taken.long!.logits).toEqual({ tensors: ['logits'], from: 172, of: 300 });
		expect(logitsNote(taken.long!)).toBe(', logits for the last 128 of 300 tokens');
	}, 60_000);

	it('the model logits outputs are left out once windowed (declared with S rows)', () => {
		const w = { window: 128, outputs: ['logits'], fetched: true };
		expect(windowedSkips(['other'], w)).toEqual(['other', 'logits']);
		expect(windowedSkips(['logits'], w)).toEqual(['logits']);
		expect(windowedSkips(['other'], null)).toEqual(['other']);
	});

	it('a head that is a MatMul on [1, S, D] (zoo pre-ln): the window follows the token axis', async () => {
		const { bytes, graph, s } = readZoo('pre-ln');
		const feeds = defaultInputs(graph, { text: 'Light is propagated from luminous bodies in time, and spends abo' });
		const plain = await CaptureSession.create(ort, bufferOf(bytes.slice()), graph, { backend: 'wasm', captureSet: 'none' });
		const ref = await plain.run(feeds);
		await plain.release();
		const out = graph.outputs[0].name;
		const g = summaryGraph(summaryTargets(s), 64, graph.opset, 24);
		addOrder(graph, g);
		const w = windowLogits(graph, s, g, () => 1, 64, 10);
		expect(w).toEqual({ window: 10, outputs: [out], fetched: true });
		expect(g.outputs).toContain(out);
		const session = await CaptureSession.create(ort, bufferOf(bytes.slice()), graph, {
			backend: 'wasm',
			captureSet: 'semantic',
			semantic: [s.layers[0].output!],
			skipOutputs: windowedSkips([], w),
			edit: (m) => appendSummary(m, g)
		});
		const extra = Object.fromEntries(summaryFeeds(0, 0).map((t) => [t.name, t as CapturedTensor]));
		const got = (await session.run({ ...feeds, ...extra }, [out])).get(out)!;
		await session.release();
		const want = ref.get(out)!;
		expect(got.dims).toEqual([1, 10, want.dims[2]]);
		expect(rows(got, 0)).toEqual(rows(want, 54));
	});
});
