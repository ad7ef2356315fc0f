// `npm run bench`: what blockscope costs at GPT-2-small scale. Sections:
//   node      capture cost (plain / semantic / all) in Node on WASM, every zoo model + the GPT-2-shaped stack
//   rewrite   exposing every intermediate of the ~476 MiB stack: time and extra memory
//   chromium  capture cost in Chromium on WASM (and the rewrite in the browser)
//   webgpu    capture cost in Chromium on WebGPU (SwiftShader here)
//   heatmap   the app's canvas renderer vs one SVG rect per cell, and one hover update
//   app       the built app: open to first heatmap, peak memory at seq 512
//   long      the built app at 1024, 2048, 4096 tokens with ?budget=1536 (only with --only long)
// `--write-model PATH [--seq N]` only writes the stack. Progress on stderr; the report on stdout.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { parseBenchArgs, USAGE, type BenchArgs } from './args.js';
import { GPT2_ID, GPT2_SMALL, writeGpt2 } from '../models/gpt2/index.js';
import { emptyReport, formatReport, type BenchReport } from './report.js';
import { plan, type Plan } from './plan.js';
import { writeGpt2Models, zooModels, type BenchModel } from './models.js';
import { captureInNode, toRow } from './node/capture.js';
import { rewriteInNode } from './node/rewrite.js';
import { bundlePages } from './chromium/bundle.js';
import { serve, type StaticServer } from './chromium/server.js';
import { launch } from './chromium/browser.js';
import { CapturePage } from './chromium/capture.js';
import { benchHeatmaps } from './chromium/heatmap.js';
import { buildApp, modelsDir, openToFirstHeatmap } from './chromium/app.js';
import { median, round } from './stats.js';
import { readbackRow } from './chromium/readback.js';
import { LONG_BUDGET_MIB, LONG_SEQS, longSection, type LongPlan } from './long.js';

const ROOT = resolve(import.meta.dirname, '..');
const log = (s: string) => process.stderr.write(`bench: ${s}\n`);

function machine(): string {
	const c = cpus();
	return `${c.length} cores (${c[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${process.platform}`;
}

async function nodeSection(r: BenchReport, p: Plan, zoo: BenchModel[], gpt2: BenchModel[], threads: number): Promise<void> {
	for (const m of [...zoo, ...gpt2]) {
		log(`node capture: ${m.id} seq ${m.seq}`);
		r.capture.push(await captureInNode(m, m.big ? p.gpt2[m.seq] : p.zoo, threads));
	}
}

async function chromiumCapture(
	r: BenchReport,
	p: Plan,
	a: BenchArgs,
	browser: Browser,
	srv: StaticServer,
	zoo: BenchModel[],
	gpt2: BenchModel[],
	backend: 'wasm' | 'webgpu'
): Promise<void> {
	const url = (m: BenchModel) => (m.big ? `${srv.url}/gpt2/${m.path.split('/').pop()}` : `${srv.url}/models/${m.path.split('/').pop()}`);
	const skip = (m: BenchModel, why: string) =>
		r.capture.push({
			model: m.id,
			env: 'chromium',
			backend,
			seq: m.seq,
			plain_ms: null,
			semantic_ratio: null,
			all_ratio: null,
			skipped: why
		});
	let shared: CapturePage | null = null; // the zoo's page
	try {
		for (const m of [...zoo, ...gpt2]) {
			if (backend === 'webgpu' && m.big && !a.webgpuGpt2) {
				skip(m, 'not run: one forward pass takes 40-70 s on SwiftShader (a CPU emulation of a GPU); --webgpu-gpt2 runs it');
				continue;
			}
			if (backend === 'webgpu' && m.big && m.seq > 128) {
				skip(m, 'not run: seq 128 already takes minutes per run on SwiftShader');
				continue;
			}
			const reps = backend === 'webgpu' ? (m.big ? p.webgpuGpt2 : p.webgpuZoo) : m.big ? p.gpt2[m.seq] : p.zoo;
			log(`chromium ${backend} capture: ${m.id} seq ${m.seq}`);
			let page: CapturePage | null = null;
			try {
				if (m.big) {
					await shared?.close();
					shared = null;
					page = await CapturePage.open(browser, srv.url, backend);
				} else page = shared ??= await CapturePage.open(browser, srv.url, backend);
				const res = await page.capture(
					{
						url: url(m),
						backend,
						seq: m.seq,
						sets: ['none', 'semantic', 'all'],
						warmup: reps.warmup,
						warmupMs: reps.warmupMs,
						reps: reps.reps,
						batch: reps.batch ?? 1,
						threads: a.threads
					},
					m.big ? 900_000 : 180_000
				);
				if (res.unavailable) {
					skip(m, res.unavailable);
					continue;
				}
				r.capture.push(
					toRow(m.id, 'chromium', backend, res.seq, res.sets, {
						warmup: res.warmup,
						reps: res.reps,
						batch: res.batch,
						...(res.adapter ? { adapter: res.adapter } : {})
					})
				);
				if (m.big && backend === 'wasm' && r.rewrite && m.seq === 128) {
					r.rewrite.chromium_ms = round(res.rewrite_ms, 2);
					r.rewrite.chromium_in_place = res.rewrite_in_place;
				}
			} catch (e) {
				skip(
					m,
					String((e as Error).message)
						.split('\n')[0]
						.slice(0, 300)
				);
			} finally {
				if (m.big) await page?.close();
			}
		}
	} finally {
		await shared?.close();
	}
}

async function appSection(r: BenchReport, p: Plan, scratch: string, gpt2: BenchModel[], zoo: BenchModel[], rev?: string): Promise<void> {
	log(`app: vite build (${rev ? `commit ${rev}` : 'scratch copy of the working tree'})`);
	let site: string;
	try {
		site = buildApp(join(scratch, 'app'), rev);
	} catch (e) {
		r.meta.not_measured.push({ what: 'open to first heatmap, memory', why: (e as Error).message });
		return;
	}
	const g = (seq: number) => gpt2.find((m) => m.seq === seq);
	const files = [{ entry: { id: 'pre-ln', file: 'pre-ln.onnx', title: 'Pre-LN (GPT-2)' }, path: join(ROOT, 'models/pre-ln.onnx') }];
	for (const m of gpt2)
		files.push({
			entry: { id: `${GPT2_ID}-${m.seq}`, file: `${GPT2_ID}-${m.seq}.onnx`, title: `GPT-2-small-shaped, seq ${m.seq}` },
			path: m.path
		});
	const models = modelsDir(join(scratch, 'app-models'), files);
	const srv = await serve([
		{ prefix: '/models/', dir: models },
		{ prefix: '/', dir: site, fallback: 'index.html' }
	]);
	try {
		const open = async (
			id: string,
			model: string,
			seq: number,
			n: number,
			warmup: number,
			capture?: 'all' | 'semantic',
			hoverMoves = 0,
			steps = 0
		) => {
			const runs: (number | null)[] = [];
			let error: string | undefined;
			let peak: number | null = null;
			let status: string | undefined;
			let hover: number | null | undefined;
			let step: number | null | undefined;
			let stepCpu: number | null | undefined;
			for (let i = 0; i < warmup + n; i++) {
				log(`app: open ${id}${capture ? ` (capture ${capture})` : ''} ${i < warmup ? 'warm-up' : `run ${i - warmup + 1}/${n}`}`);
				const o = await openToFirstHeatmap(srv.url, id, {
					backend: 'wasm',
					capture,
					timeoutMs: 600_000,
					hoverMoves: i === warmup ? hoverMoves : 0,
					steps: i === warmup ? steps : 0
				});
				if (o.step_ms !== undefined) step = o.step_ms;
				if (o.step_cpu_ms !== undefined) stepCpu = o.step_cpu_ms;
				if (o.hover_ms !== undefined) hover = o.hover_ms;
				if (o.error) error = o.error;
				if (o.status) status = o.status;
				if (i >= warmup) runs.push(o.ms);
				if (o.peak_mb !== null) peak = Math.max(peak ?? 0, o.peak_mb);
			}
			const ok = runs.filter((x): x is number => x !== null);
			r.open_to_first_heatmap.push({
				model,
				backend: 'wasm',
				seq,
				capture: capture ?? 'all (app default)',
				ms: ok.length ? median(ok) : null,
				runs_ms: runs,
				...(hover !== undefined ? { hover_ms: hover } : {}),
				...(step !== undefined ? { step_ms: step, step_cpu_ms: stepCpu ?? null } : {}),
				...(status ? { status } : {}),
				...(error ? { error } : {})
			});
			return { peak, error, step, stepCpu };
		};
		if (zoo.some((m) => m.id === 'pre-ln')) await open('pre-ln', 'pre-ln', 22, p.openZoo.reps, p.openZoo.warmup, undefined, 100);
		if (g(128)) await open(`${GPT2_ID}-128`, GPT2_ID, 128, p.openGpt2.reps, 0, undefined, 100);
		if (g(512)) {
			// What the app does by itself when asked for everything (it may switch to selective capture).
			const o = await open(`${GPT2_ID}-512`, GPT2_ID, 512, 1, 0, undefined, 0, p.steps512);
			r.memory.push({
				model: GPT2_ID,
				seq: 512,
				peak_mb: o.peak,
				env: 'chromium (renderer: page + runtime worker)',
				capture: 'all (app default)',
				...(o.error ? { error: o.error } : {})
			});
			// Stepping a layer against one plain forward pass at the same length in Chromium (this run's capture section).
			// Wall clock and, robust to a busy machine, CPU time (the pass on one thread, the app's worker on two: same work).
			const pass = r.capture.find((c) => c.model === GPT2_ID && c.env === 'chromium' && c.backend === 'wasm' && c.seq === 512);
			const row = r.open_to_first_heatmap[r.open_to_first_heatmap.length - 1];
			if (o.step != null && pass?.plain_ms) {
				row.forward_pass_ms = pass.plain_ms;
				row.step_ratio = round(o.step / pass.plain_ms, 2);
			}
			if (o.stepCpu != null && pass?.plain_cpu_ms) {
				row.forward_pass_cpu_ms = pass.plain_cpu_ms;
				row.step_cpu_ratio = round(o.stepCpu / pass.plain_cpu_ms, 2);
			}
		} else r.meta.not_measured.push({ what: 'memory at seq 512', why: '--quick runs seq 128 only' });
	} finally {
		await srv.close();
	}
}

/** WebGPU readback on the zoo's pre-ln (and the stack at seq 128 with --webgpu-gpt2: minutes on SwiftShader). */
async function readbackSection(
	r: BenchReport,
	a: BenchArgs,
	browser: Browser,
	origin: string,
	zoo: BenchModel[],
	gpt2: BenchModel[]
): Promise<void> {
	const pre = zoo.find((m) => m.id === 'pre-ln');
	if (pre) {
		log('readback: pre-ln on WebGPU');
		r.webgpu_readback.push(
			await readbackRow(browser, origin, { id: pre.id, url: `${origin}/models/${pre.path.split('/').pop()}`, seq: pre.seq }, 10, 180_000)
		);
	}
	const g = gpt2.find((m) => m.seq === 128);
	if (g && a.webgpuGpt2) {
		log('readback: the GPT-2-shaped stack at seq 128 on WebGPU');
		r.webgpu_readback.push(
			await readbackRow(browser, origin, { id: g.id, url: `${origin}/gpt2/${g.path.split('/').pop()}`, seq: 128 }, 1, 1_800_000)
		);
	}
}

function longPlan(a: BenchArgs): LongPlan {
	const runs = a.backends.flatMap((backend) =>
		(a.longSeqs ?? (backend === 'webgpu' ? [LONG_SEQS[0]] : LONG_SEQS)).map((seq) => ({ seq, backend }))
	);
	return { runs, budgetMiB: a.budget ?? LONG_BUDGET_MIB, steps: 2, headSwitches: 2 };
}

async function main(): Promise<number> {
	let a: BenchArgs;
	try {
		a = parseBenchArgs(process.argv.slice(2));
	} catch (e) {
		process.stderr.write(`bench: ${(e as Error).message}\n${USAGE}\n`);
		return 2;
	}
	if (a.help) {
		process.stdout.write(USAGE + '\n');
		return 0;
	}
	if (a.writeModel) {
		// Past GPT-2's 1024 learned positions, as many as the tokens (as the long section writes it).
		const w = writeGpt2(a.writeModel, { seq: a.seq ?? null, maxPos: Math.max(GPT2_SMALL.maxPos, a.seq ?? 0) });
		process.stdout.write(`wrote ${w.path}: ${GPT2_ID}, ${(w.bytes / 2 ** 20).toFixed(1)} MiB, input_ids [1, ${a.seq ?? 'seq'}]\n`);
		return 0;
	}
	const t0 = performance.now();
	const r = emptyReport(`npm run -s bench -- ${process.argv.slice(2).join(' ')}`.trim(), machine());
	r.meta.load[0] = round(loadavg()[0], 1);
	const p = plan(a.quick);
	const scratch = mkdtempSync(join(tmpdir(), 'blockscope-bench-'));
	try {
		const wanted = (id: string) => a.models === null || a.models.has(id);
		const zoo = zooModels().filter((m) => wanted(m.id));
		const needGpt2 =
			wanted(GPT2_ID) &&
			(['node', 'rewrite', 'chromium', 'webgpu', 'app'].some((s) => a.only.has(s as never)) || (a.only.has('readback') && a.webgpuGpt2));
		let gpt2: BenchModel[] = [];
		if (needGpt2) {
			log(`writing the ${GPT2_ID} stack at seq ${p.gpt2Seqs.join(', ')} into ${scratch}`);
			mkdirSync(join(scratch, 'gpt2'));
			gpt2 = writeGpt2Models(join(scratch, 'gpt2'), p.gpt2Seqs);
		}
		const section = async (name: string, fn: () => Promise<void>) => {
			const t = performance.now();
			await fn();
			r.meta.sections[name] = round((performance.now() - t) / 1000, 1);
		};
		if (a.only.has('node')) await section('node', () => nodeSection(r, p, zoo, gpt2, a.threads));
		if (a.only.has('rewrite') && gpt2.length === 0)
			r.meta.not_measured.push({ what: 'rewrite', why: `needs the ${GPT2_ID} stack, left out by --models` });
		else if (a.only.has('rewrite'))
			await section('rewrite', async () => {
				log('rewrite: Node');
				try {
					r.rewrite = await rewriteInNode(gpt2[0].path, p.rewriteReps);
				} catch (e) {
					r.meta.not_measured.push({ what: 'rewrite', why: (e as Error).message });
				}
			});
		if (['chromium', 'webgpu', 'heatmap', 'readback'].some((s) => a.only.has(s as never))) {
			const pages = join(scratch, 'pages');
			await bundlePages(pages);
			const srv = await serve([
				{ prefix: '/bench/', dir: pages },
				{ prefix: '/ort/', dir: join(ROOT, 'node_modules/onnxruntime-web/dist') },
				{ prefix: '/models/', dir: join(ROOT, 'models') },
				{ prefix: '/gpt2/', dir: join(scratch, 'gpt2') }
			]);
			const browser = await launch();
			r.meta.chromium = browser.version();
			try {
				if (a.only.has('chromium')) await section('chromium', () => chromiumCapture(r, p, a, browser, srv, zoo, gpt2, 'wasm'));
				if (a.only.has('webgpu')) await section('webgpu', () => chromiumCapture(r, p, a, browser, srv, zoo, gpt2, 'webgpu'));
				if (a.only.has('heatmap'))
					await section('heatmap', async () => {
						log(`heatmap: sizes ${p.heatmaps.map((h) => h.size).join(', ')}`);
						r.heatmap = await benchHeatmaps(browser, srv.url, p.heatmaps);
						if (a.quick) r.meta.not_measured.push({ what: 'heatmap 1024', why: '--quick leaves out 1024 (its SVG takes about 10 s)' });
					});
				if (a.only.has('readback')) await section('readback', () => readbackSection(r, a, browser, srv.url, zoo, gpt2));
			} finally {
				await browser.close().catch(() => undefined);
				await srv.close();
			}
		}
		if (a.only.has('app')) await section('app', () => appSection(r, p, scratch, gpt2, zoo, a.rev));
		if (a.only.has('long'))
			await section('long', async () => {
				log(`long: vite build (${a.rev ? `commit ${a.rev}` : 'scratch copy of the working tree'})`);
				let site: string;
				try {
					site = buildApp(join(scratch, 'long-app'), a.rev);
				} catch (e) {
					r.meta.not_measured.push({ what: 'long context', why: (e as Error).message });
					return;
				}
				await longSection(r, longPlan(a), scratch, site, log);
			});
	} finally {
		if (a.keep) log(`kept ${scratch}`);
		else rmSync(scratch, { recursive: true, force: true });
	}
	r.meta.seconds = round((performance.now() - t0) / 1000, 1);
	r.meta.load[1] = round(loadavg()[0], 1);
	process.stdout.write(a.json ? JSON.stringify(r) + '\n' : formatReport(r) + '\n');
	return 0;
}

process.exitCode = await main();
