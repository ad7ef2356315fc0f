// The `long` section: the GPT-2-shaped stack at long inputs (1024, 2048, 4096 tokens) in the
// built app with `?budget=1536`, against one plain forward pass at the same length. Each length
// gets its own model file (written, run, deleted: 0.5 GB each) with as many learned positions as
// tokens, a fresh browser for the app (so the peak is this length's alone) and a fresh page for
// the plain pass. A failure is recorded in the row (`error`), never fatal.
import { mkdirSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { GPT2_ID, GPT2_SMALL, writeGpt2 } from '../models/gpt2/index.js';
import type { BenchReport, LongRow } from './report.js';
import { bundlePages } from './chromium/bundle.js';
import { serve } from './chromium/server.js';
import { launch, memoryOf, rendererPids } from './chromium/browser.js';
import { CapturePage } from './chromium/capture.js';
import { modelsDir } from './chromium/app.js';
import { longInApp, medianOr } from './chromium/long.js';
import { round } from './stats.js';

const ROOT = resolve(import.meta.dirname, '..');

export interface LongPlan {
	/** Lengths per backend (WebGPU on SwiftShader: 1024 once). */
	runs: { seq: number; backend: 'wasm' | 'webgpu' }[];
	budgetMiB: number;
	steps: number;
	headSwitches: number;
}

export const LONG_SEQS = [1024, 2048, 4096];
/** The issue's budget for long inputs, as a user passes it (`?budget=1536`). */
export const LONG_BUDGET_MIB = 1536;

/** The app's worker runs min(4, cores) WASM threads: the plain pass gets as many. */
const appThreads = () => Math.max(1, Math.min(4, cpus().length));

export interface PlainPass {
	ms?: number;
	cpu_ms?: number;
	peak_mb?: number;
	error?: string;
}

async function plainPass(origin: string, url: string, seq: number, backend: 'wasm' | 'webgpu', timeoutMs: number): Promise<PlainPass> {
	const browser = await launch();
	// The page's renderer peak: what the plain model alone takes at this length (a floor for the app's).
	let peak = 0;
	const sample = () => {
		for (const pid of rendererPids()) peak = Math.max(peak, memoryOf(pid)?.peak ?? 0);
	};
	const sampler = setInterval(sample, 250);
	const withPeak = (x: PlainPass): PlainPass => (peak > 0 ? { ...x, peak_mb: round(peak, 0) } : x);
	try {
		const page = await CapturePage.open(browser, origin, backend);
		const r = await page.capture(
			// A warmed run, as the app's steps are (the first run of a session also allocates and tiers up); one run on
			// SwiftShader and at 4096 (minutes a pass on two shared cores).
			{
				url,
				backend,
				seq,
				sets: ['none'],
				warmup: backend === 'wasm' && seq < 4096 ? 1 : 0,
				warmupMs: 0,
				reps: 1,
				batch: 1,
				threads: appThreads()
			},
			timeoutMs
		);
		sample();
		if (r.unavailable) return withPeak({ error: r.unavailable });
		const s = r.sets[0];
		if (!s || s.skipped) return withPeak({ error: s?.skipped ?? 'no timing' });
		return withPeak({ ms: round(s.median_ms, 0), cpu_ms: s.cpu_median_ms !== undefined ? round(s.cpu_median_ms, 0) : undefined });
	} catch (e) {
		return withPeak({
			error: String((e as Error).message)
				.split('\n')[0]
				.slice(0, 300)
		});
	} finally {
		clearInterval(sampler);
		await browser.close().catch(() => undefined);
	}
}

export function longRow(
	seq: number,
	backend: 'wasm' | 'webgpu',
	p: LongPlan,
	app: Awaited<ReturnType<typeof longInApp>>,
	plain: PlainPass
): LongRow {
	const step = medianOr(app.steps_ms);
	const stepCpu = medianOr(app.steps_cpu_ms);
	const sw = medianOr(app.head_switches_ms);
	const swCpu = medianOr(app.head_switches_cpu_ms);
	const captured = medianOr(app.step_mib);
	const r: LongRow = {
		model: GPT2_ID,
		seq,
		backend,
		peak_mb: app.peak_mb,
		open_ms: app.open_ms,
		plain_ms: plain.ms ?? null,
		step_ms: step,
		head_switch_ms: sw,
		captured_mib: captured,
		budget_mib: p.budgetMiB,
		steps_ms: app.steps_ms,
		steps_cpu_ms: app.steps_cpu_ms,
		head_switches_ms: app.head_switches_ms,
		head_switches_cpu_ms: app.head_switches_cpu_ms,
		head_switch_reran: app.head_switch_reran,
		head_switch_mib: app.head_switch_mib,
		open_mib: app.open_mib,
		full_capture_mib: app.full_capture_mib
	};
	if (app.gpu_peak_mb !== undefined) r.gpu_peak_mb = app.gpu_peak_mb;
	if (plain.cpu_ms !== undefined) r.plain_cpu_ms = plain.cpu_ms;
	if (plain.peak_mb !== undefined) r.plain_peak_mb = plain.peak_mb;
	if (step !== null && plain.ms) r.step_ratio = round(step / plain.ms, 2);
	if (stepCpu !== null && plain.cpu_ms) r.step_cpu_ratio = round(stepCpu / plain.cpu_ms, 2);
	if (sw !== null && plain.ms) r.head_switch_ratio = round(sw / plain.ms, 3);
	if (swCpu !== null && plain.cpu_ms) r.head_switch_cpu_ratio = round(swCpu / plain.cpu_ms, 3);
	if (captured !== null && app.full_capture_mib) r.captured_share = round(captured / app.full_capture_mib, 4);
	if (app.mode) r.mode = app.mode;
	if (app.status) r.status = app.status;
	if (app.error) r.error = app.error;
	if (plain.error) r.plain_error = plain.error;
	return r;
}

/** Runs every (seq, backend) of the plan against the app built at `site`; rows go to `r.long_context`. */
export async function longSection(r: BenchReport, p: LongPlan, scratch: string, site: string, log: (s: string) => void): Promise<void> {
	const dir = join(scratch, 'long');
	mkdirSync(dir, { recursive: true });
	const pages = join(scratch, 'long-pages');
	await bundlePages(pages);
	const models = join(scratch, 'long-models');
	const srv = await serve([
		{ prefix: '/bench/', dir: pages },
		{ prefix: '/ort/', dir: join(ROOT, 'node_modules/onnxruntime-web/dist') },
		{ prefix: '/models/', dir: models },
		{ prefix: '/', dir: site, fallback: 'index.html' }
	]);
	try {
		for (const seq of [...new Set(p.runs.map((x) => x.seq))]) {
			const id = `${GPT2_ID}-${seq}`;
			const path = join(dir, `${id}.onnx`);
			log(`long: writing the stack at seq ${seq}`);
			writeGpt2(path, { seq, maxPos: Math.max(GPT2_SMALL.maxPos, seq) });
			modelsDir(models, [{ entry: { id, file: `${id}.onnx`, title: `GPT-2-small-shaped, seq ${seq}` }, path }]);
			try {
				for (const { backend } of p.runs.filter((x) => x.seq === seq)) {
					const slow = backend === 'webgpu' ? 3 : 1;
					log(`long: plain forward pass, seq ${seq}, ${backend}`);
					const plain = await plainPass(srv.url, `${srv.url}/models/${id}.onnx`, seq, backend, 900_000 * slow);
					log(`long: the app at seq ${seq}, ${backend}, ${p.budgetMiB ? `?budget=${p.budgetMiB}` : "the app's default budget"}`);
					const app = await longInApp(srv.url, id, {
						backend,
						budgetMiB: p.budgetMiB,
						steps: p.steps,
						headSwitches: p.headSwitches,
						openTimeoutMs: 900_000 * slow,
						stepTimeoutMs: 600_000 * slow
					});
					r.long_context.push(longRow(seq, backend, p, app, plain));
				}
			} finally {
				rmSync(path, { force: true });
			}
		}
	} finally {
		await srv.close();
	}
}
