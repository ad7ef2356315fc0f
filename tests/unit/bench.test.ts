// The benchmark's own code, functionally (no test here asserts a wall-clock time): the
// GPT-2-shaped generator writes models the runtime opens and the recognizer reads, the CLI
// writes the full-size stack, the JSON report keeps issue 7's contract, and the browser pages
// still bundle against the app's modules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { Graph, readModel } from '../../src/lib/onnx';
import { analyze } from '../../src/lib/analysis';
import { CaptureSession } from '../../src/lib/runtime/capture';
import { defaultInputs } from '../../src/lib/runtime/inputs';
import { readModelFile } from '../../src/lib/runtime/node/model-file';
import { GPT2_SMALL, gpt2Plan, writeGpt2 } from '../../models/gpt2';
import { bundlePages, ENTRIES } from '../../bench/chromium/bundle';
import { timeCapture, type Runner } from '../../bench/capture-core';
import { emptyReport, formatReport } from '../../bench/report';
import { DEFAULT_SECTIONS, parseBenchArgs } from '../../bench/args';
import { longRow, type LongPlan } from '../../bench/long';

ort.env.wasm.numThreads = 1;

const ROOT = join(__dirname, '../..');
const TINY = { layers: 2, dModel: 32, heads: 4, dFF: 64, vocab: 50, maxPos: 16, seq: 8, seed: 7 };
let dir = '';

function bench(...args: string[]) {
	const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/main.ts', ...args], {
		cwd: ROOT,
		encoding: 'utf8',
		env: { ...process.env, BLOCKSCOPE_THREADS: '1' }
	});
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'bs-bench-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('GPT-2-shaped generator', () => {
	it('writes a model that ORT runs, with every intermediate capturable, and the recognizer reads', async () => {
		const path = join(dir, 'tiny.onnx');
		const w = writeGpt2(path, TINY);
		expect(statSync(path).size).toBe(w.bytes);
		const model = await readModelFile(path);
		const graph = new Graph(readModel(model.buffer.subarray(0, model.length)));
		expect(graph.inputs).toEqual([{ name: 'input_ids', dtype: 'int64', dims: [1, 8] }]);
		const s = analyze(graph);
		expect(s.layers).toHaveLength(2);
		expect(s.variant).toBe('pre-norm');
		expect(s.semantic).toContain('layer1/pattern');
		const session = await CaptureSession.create(ort, model, graph, { backend: 'wasm', captureSet: 'all' });
		const store = await session.run(defaultInputs(graph, {}));
		await session.release();
		expect(store.get('logits')!.dims).toEqual([1, 8, 50]);
		const p = store.get('layer0/pattern')!;
		expect(p.dims).toEqual([1, 4, 8, 8]);
		const rows = p.data as Float32Array;
		// Causal softmax rows: sum to 1, nothing above the diagonal.
		for (let r = 0; r < 8; r++) {
			let sum = 0;
			for (let c = 0; c < 8; c++) sum += rows[r * 8 + c];
			expect(sum).toBeCloseTo(1, 5);
			for (let c = r + 1; c < 8; c++) expect(rows[r * 8 + c]).toBe(0);
		}
		// Nothing blew up (the masked scores hold -inf by design).
		for (const t of store)
			if (t.dtype === 'float32')
				expect(
					(t.data as Float32Array).every((v) => !Number.isNaN(v) && v !== Infinity),
					t.name
				).toBe(true);
	});

	it('is deterministic: the same config gives the same bytes, another seed other weights', () => {
		const a = readFileSync(writeGpt2(join(dir, 'a.onnx'), TINY).path);
		const b = readFileSync(writeGpt2(join(dir, 'b.onnx'), TINY).path);
		const c = readFileSync(writeGpt2(join(dir, 'c.onnx'), { ...TINY, seed: 8 }).path);
		expect(Buffer.compare(a, b)).toBe(0);
		expect(c.byteLength).toBe(a.byteLength);
		expect(Buffer.compare(a, c)).not.toBe(0);
	});

	it("has GPT-2 small's parameter count (124M, tied unembedding)", () => {
		const params = gpt2Plan(GPT2_SMALL).weightBytes / 4;
		expect(params).toBe(124_439_808);
	});

	it('--write-model PATH --seq N writes the full-size stack with a fixed sequence length', async () => {
		const path = join(dir, 'gpt2.onnx');
		const r = bench('--write-model', path, '--seq', '64');
		expect(r.code, r.stderr).toBe(0);
		expect(r.stdout).toMatch(/gpt2-small-shaped, 4\d\d\.\d MiB, input_ids \[1, 64\]/);
		expect(statSync(path).size).toBeGreaterThan(300 * 2 ** 20);
		const model = await readModelFile(path);
		const graph = new Graph(readModel(model.buffer.subarray(0, model.length)));
		expect(graph.inputs[0].dims).toEqual([1, 64]);
		expect(graph.initializers.get('embed.wte')!.rawData.byteLength).toBe(50257 * 768 * 4);
		expect(graph.metadata.get('blockscope.layers')).toBe('12');
		expect(analyze(graph).layers).toHaveLength(12);
		rmSync(path);
	});
});

describe('bench report', () => {
	it('prints one JSON object in the output contract', () => {
		const r = bench('--json', '--quick', '--only', 'node', '--models', 'pre-ln');
		expect(r.code, r.stderr).toBe(0);
		expect(r.stdout.trim().split('\n')).toHaveLength(1);
		const j = JSON.parse(r.stdout);
		for (const k of ['capture', 'heatmap', 'open_to_first_heatmap', 'memory', 'long_context', 'webgpu_readback'])
			expect(Array.isArray(j[k]), k).toBe(true);
		expect(j.long_context).toEqual([]); // `long` runs only when named
		expect(j).toHaveProperty('rewrite');
		expect(j.capture).toHaveLength(1);
		const c = j.capture[0];
		expect(c).toMatchObject({ model: 'pre-ln', env: 'node', backend: 'wasm', seq: 64 });
		expect(c.plain_ms).toBeGreaterThan(0);
		expect(c.semantic_ratio).toBeGreaterThan(0);
		expect(c.all_ratio).toBeGreaterThan(0);
		expect(c.exposed.all).toBeGreaterThan(c.exposed.semantic);
	});

	it('rejects unknown sections with a usage message', () => {
		const r = bench('--only', 'nope');
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/unknown section "nope"/);
	});

	it('formats an empty report as a table without failing', () => {
		expect(formatReport(emptyReport('npm run bench', 'test machine'))).toMatch(/^blockscope bench/);
	});

	it('times interleaved runs and records a set that fails instead of stopping', async () => {
		const runner = (set: 'none' | 'semantic' | 'all', fail = false): Runner => ({
			set,
			exposed: set === 'all' ? 2 : 0,
			run: async () => {
				if (fail) throw new Error('out of memory');
				return 1 << 20;
			},
			release: async () => undefined
		});
		let clock = 0;
		const cpu = () => (clock += 5);
		const t = await timeCapture(async (s) => runner(s, s === 'all'), ['none', 'semantic', 'all'], { warmup: 1, warmupMs: 0, reps: 3, cpu });
		expect(t.sets.map((s) => s.set)).toEqual(['none', 'semantic', 'all']);
		expect(t.sets[0].runs_ms).toHaveLength(3);
		expect(t.sets[0].ratio).toBe(1);
		expect(t.sets[1].cpu_ratio).toBe(1); // every sample reads 5 ms of CPU time
		expect(t.sets[1].cpu_median_ms).toBe(5);
		expect(t.sets[1].captured_mb).toBe(1);
		expect(t.sets[2].ratio).toBeNull();
		expect(t.sets[2].skipped).toMatch(/out of memory/);
	});

	it('bundles the browser pages against the app modules they use', async () => {
		const out = join(dir, 'pages');
		await bundlePages(out);
		for (const e of ENTRIES) {
			expect(existsSync(join(out, `${e}.html`))).toBe(true);
			expect(statSync(join(out, `${e}.js`)).size).toBeGreaterThan(10_000);
		}
	});
});

describe('long context section', () => {
	const plan: LongPlan = { runs: [{ seq: 2048, backend: 'wasm' }], budgetMiB: 1536, steps: 2, headSwitches: 2 };
	const app = {
		open_ms: 30_000,
		peak_mb: 1500,
		steps_ms: [9000, 12_000],
		steps_cpu_ms: [15_000, 17_000],
		head_switches_ms: [10, 14],
		head_switches_cpu_ms: [12, 20],
		head_switch_reran: [false, false],
		step_mib: [40, 44],
		head_switch_mib: [0, 0],
		open_mib: 50,
		full_capture_mib: 4000,
		mode: 'selective',
		status: 'selective capture'
	};

	it('is a section of its own, outside the default run, with lengths and backends', () => {
		expect(DEFAULT_SECTIONS).not.toContain('long');
		expect(DEFAULT_SECTIONS).toContain('readback');
		expect([...parseBenchArgs([]).only]).toEqual([...DEFAULT_SECTIONS]);
		const a = parseBenchArgs(['--only', 'long', '--seq', '2048,4096', '--backends', 'wasm']);
		expect(a.only.has('long')).toBe(true);
		expect(a.longSeqs).toEqual([2048, 4096]);
		expect(a.backends).toEqual(['wasm']);
		expect(a.seq).toBeUndefined();
		expect(parseBenchArgs(['--only', 'long']).longSeqs).toBeNull();
		expect(() => parseBenchArgs(['--seq', '2048'])).toThrow(/--seq goes with --write-model or --only long/);
		expect(() => parseBenchArgs(['--only', 'long', '--backends', 'cuda'])).toThrow(/unknown backend "cuda"/);
		expect(() => parseBenchArgs(['--only', 'long', '--seq', '2048,x'])).toThrow(/--seq must be an integer/);
		expect(parseBenchArgs(['--only', 'long', '--budget', '0']).budget).toBe(0);
		expect(parseBenchArgs(['--only', 'long']).budget).toBeNull();
	});

	it("rows carry the contract's fields, medians and the ratios against the plain pass", () => {
		const r = longRow(2048, 'wasm', plan, app, { ms: 10_000, cpu_ms: 16_000, peak_mb: 1100 });
		expect(r.plain_peak_mb).toBe(1100);
		expect(Object.keys(r)).toEqual(
			expect.arrayContaining(['seq', 'backend', 'peak_mb', 'open_ms', 'plain_ms', 'step_ms', 'head_switch_ms', 'captured_mib'])
		);
		expect(r).toMatchObject({ model: 'gpt2-small-shaped', seq: 2048, backend: 'wasm', peak_mb: 1500, open_ms: 30_000, plain_ms: 10_000 });
		expect(r.step_ms).toBe(10_500); // median of two
		expect(r.step_ratio).toBe(1.05);
		expect(r.step_cpu_ratio).toBe(1);
		expect(r.head_switch_ms).toBe(12);
		expect(r.head_switch_ratio).toBe(0.001);
		expect(r.head_switch_cpu_ratio).toBe(0.001);
		expect(r.captured_mib).toBe(42);
		expect(r.captured_share).toBe(0.0105);
		expect(r.error).toBeUndefined();
		const text = formatReport({ ...emptyReport('x', 'y'), long_context: [r] });
		expect(text).toMatch(/Long context[\s\S]*2048 +wasm +1500 ok/);
		expect(text).toMatch(/0\.001 cpu ok/); // served from held tensors: against 0.2x
		const rerun = longRow(
			2048,
			'wasm',
			plan,
			{ ...app, head_switch_reran: [true, true], head_switches_cpu_ms: [20_000, 22_000] },
			{ ms: 10_000, cpu_ms: 16_000 }
		);
		expect(formatReport({ ...emptyReport('x', 'y'), long_context: [rerun] })).toMatch(/1\.313 cpu MISS \(re-run\)/);
	});

	it('a failing app or plain pass is recorded in the row, with what was measured before it', () => {
		const failed = {
			...app,
			steps_ms: [],
			steps_cpu_ms: [],
			head_switches_ms: [],
			head_switches_cpu_ms: [],
			step_mib: [],
			error: 'Target crashed'
		};
		const r = longRow(4096, 'wasm', plan, failed, { error: 'did not finish within 900 s' });
		expect(r).toMatchObject({ seq: 4096, peak_mb: 1500, step_ms: null, head_switch_ms: null, captured_mib: null, plain_ms: null });
		expect(r.error).toBe('Target crashed');
		expect(r.plain_error).toMatch(/900 s/);
		expect(r.step_ratio).toBeUndefined();
		expect(JSON.parse(JSON.stringify(r))).toEqual(r); // plain JSON: no undefined or NaN survives as a value
	});
});

describe('webgpu readback rows', () => {
	it('print with their share, and a failed one with its reason', () => {
		const ok = {
			model: 'pre-ln',
			seq: 64,
			step_ms: 200,
			readback_ms: 50,
			share: 0.25,
			gpu_ms: 150,
			shown_ms: 152,
			exposed: 30,
			captured_mb: 0.9
		};
		const bad = { model: 'gpt2-small-shaped', seq: 0, step_ms: null, readback_ms: null, share: null, error: 'no WebGPU adapter' };
		const text = formatReport({ ...emptyReport('x', 'y'), webgpu_readback: [ok, bad] });
		expect(text).toMatch(/WebGPU readback[\s\S]*pre-ln +64 +200 +50 +0\.250 +150 +152/);
		expect(text).toMatch(/gpt2-small-shaped .*no WebGPU adapter/);
	});
});
