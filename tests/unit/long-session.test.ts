// A head switch on the page: served from the patterns the page holds under full capture (no
// request, the status line says so), one forward pass under summary capture (a run request with
// the head, and the status line says what it cost). The summary result is built by the worker's own
// pieces from a real run of the trained zoo model.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import * as ort from 'onnxruntime-web';
import { Debugger, readPage } from '../../src/lib/app';
import { Graph, readModel } from '../../src/lib/onnx';
import { analyze } from '../../src/lib/analysis';
import { CaptureSession, choosePlan } from '../../src/lib/runtime';
import { defaultInputs } from '../../src/lib/runtime/inputs';
import { readModelFile } from '../../src/lib/runtime/node/model-file';
import { structureInfo } from '../../src/lib/worker/structure';
import { captureInfo, captureOptions } from '../../src/lib/worker/run-info';
import { headRef, longFeeds, takeSummaries } from '../../src/lib/worker/long';
import type { InputOptions, ResultMessage } from '../../src/lib/worker/protocol';
import { heldBytes, withoutTensors } from '../../src/lib/worker/held';
import type { Runtime } from '../../src/lib/features/model';
import { flush, zooIndex, zooResult } from './page-fixtures';
import { writeGpt2 } from '../../models/gpt2';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('http://localhost/app/');
const SEQ = 260; // past SUMMARY_MIN_SEQ
let full: ResultMessage;
let summary: (layer: number, head: number) => Promise<ResultMessage>;

beforeAll(async () => {
	full = await zooResult('pre-ln');
	// The zoo's positions stop short of 256 tokens: the summary run is the GPT-2-shaped writer at a small size.
	const path = writeGpt2(join(mkdtempSync(join(tmpdir(), 'long-session-')), 'g.onnx'), {
		layers: 2,
		dModel: 32,
		heads: 4,
		dFF: 64,
		vocab: 50,
		maxPos: 512,
		seed: 2
	}).path;
	const model = await readModelFile(path);
	const graph = new Graph(readModel(model.buffer.subarray(0, model.length)));
	const structure = analyze(graph);
	const feeds = defaultInputs(graph, { seq: SEQ });
	const dims = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, t.dims]));
	const plan = choosePlan({ graph, structure, feeds: dims, captureSet: 'all', budget: 2 * model.length + 1, modelBytes: model.length });
	expect(plan.mode).toBe('summary');
	const session = await CaptureSession.create(ort, model, graph, captureOptions(plan, 'wasm', undefined));
	summary = async (layer, head) => {
		const ran = await session.run({ ...feeds, ...longFeeds(plan, layer, head) }, null);
		const taken = takeSummaries(ran, plan, { layer, head }, 'rerun', 5);
		const names = [...taken.store.order];
		const info = structureInfo(graph, structure, null, taken.store, names);
		info.attention = [...info.attention, headRef(taken.long!, structure)];
		return {
			...full,
			model: { ...full.model, name: 'g.onnx' },
			tensors: names.map((n) => taken.store.get(n)!),
			summaries: [],
			attention: info.attention,
			structure: info,
			input: { seq: SEQ },
			tokens: null,
			capture: captureInfo(plan, layer, 1, false),
			timings: { sessionMs: 0, runMs: 1900 },
			long: taken.long
		};
	};
});
beforeEach(() => {
	vi.stubGlobal('window', {});
	vi.stubGlobal('fetch', async () => zooIndex());
});
afterEach(() => vi.unstubAllGlobals());

/** A runtime that records what is asked (head included) and answers with what the test gives. */
function recorder() {
	const calls: { kind: string; layer?: number; head?: number; input?: InputOptions }[] = [];
	const answers: ((r: ResultMessage) => void)[] = [];
	const ask = (c: (typeof calls)[number]) => {
		calls.push(c);
		return new Promise<ResultMessage>((res) => answers.push(res));
	};
	const runtime: Runtime = {
		open: (_s, o) => ask({ kind: 'open', layer: o.layer, head: o.head, input: o.input }),
		run: (input, _p, layer, head) => ask({ kind: 'run', layer, head, input }),
		analyze: () => Promise.reject(new Error('not asked')),
		dispose: () => undefined
	};
	return { runtime, calls, answer: (i: number, r: ResultMessage) => answers[i](r) };
}

describe('a head switch on the page', () => {
	it('full capture: served from the held pattern, no request, said on the status line', async () => {
		const f = recorder();
		const d = new Debugger(root, { connect: () => f.runtime, settle: async () => {} });
		const done = d.start(readPage(new URLSearchParams('model=pre-ln&backend=wasm')));
		while (!f.calls.length) await flush();
		expect(f.calls[0]).toMatchObject({ kind: 'open', layer: 0, head: 0 });
		f.answer(0, full);
		await done;
		d.setHead(2);
		await flush();
		expect(f.calls).toHaveLength(1);
		expect(d.session.message).toMatch(/ · head 3: from held tensors$/);
	});

	it('summary capture: one forward pass with the head fed, the exact head drawn, the cost said', async () => {
		const f = recorder();
		const d = new Debugger(root, { connect: () => f.runtime, settle: async () => {} });
		const done = d.start(readPage(new URLSearchParams('model=pre-ln&backend=wasm')));
		while (!f.calls.length) await flush();
		f.answer(0, await summary(0, 0));
		await done;
		expect(d.attention.heads).toBe(4);
		expect(d.attention.view).not.toBeNull();
		d.setHead(3);
		await flush();
		expect(f.calls[1]).toMatchObject({ kind: 'run', layer: 0, head: 3 });
		expect(d.attention.view, 'nothing drawn for a head not yet fetched').toBeNull();
		f.answer(1, await summary(0, 3));
		while (d.session.phase !== 'ready' || !d.session.message.includes('head 4')) await flush();
		expect(d.session.message).toMatch(/ · head 4: one forward pass, 1\.9 s$/);
		expect(d.session.result!.long).toMatchObject({ layer: 0, head: 3 });
		expect(d.attention.view).not.toBeNull();
		// A layer step under summary capture: one forward pass too.
		d.setLayer(1);
		await flush();
		expect(f.calls[2]).toMatchObject({ kind: 'run', layer: 1, head: 3 });
	});

	it('a step that re-runs lets go of the previous tensors first: two results are never held together', async () => {
		const f = recorder();
		const d = new Debugger(root, { connect: () => f.runtime, settle: async () => {} });
		const done = d.start(readPage(new URLSearchParams('model=pre-ln&backend=wasm')));
		while (!f.calls.length) await flush();
		const first = await summary(0, 0);
		f.answer(0, first);
		await done;
		const small = heldBytes(withoutTensors(first));
		expect(heldBytes(d.session.result!)).toBeGreaterThan(small);
		d.setLayer(1);
		await flush();
		expect(f.calls[1]).toMatchObject({ kind: 'run', layer: 1 });
		// While the step runs: no tensor of the last result, its summaries and stream norms kept.
		expect(d.session.result!.tensors).toEqual([]);
		expect(heldBytes(d.session.result!)).toBe(small);
		expect(Object.keys(d.session.result!.long!.norms!).length).toBeGreaterThan(0);
		f.answer(1, await summary(1, 0));
		while (d.session.phase !== 'ready') await flush();
		expect(d.session.result!.long).toMatchObject({ layer: 1 });
		expect(d.session.result!.tensors.length).toBeGreaterThan(0);
	});
});
