// The built app in Chromium: open-to-first-heatmap and peak memory. The app is built from the
// working tree in a scratch copy (so the bench never races `npm test` over build/), then served
// with its models folder swapped for one that also lists the GPT-2-small-shaped stack.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { cpuMs, launch, memoryOf, rendererPids } from './browser.js';
import { round } from '../stats.js';

const ROOT = resolve(import.meta.dirname, '../..');
const APP_FILES = ['src', 'static', 'scripts', 'svelte.config.js', 'vite.config.ts', 'tsconfig.json', 'package.json'];

/** Copies the app's sources at commit `rev` into `dir` (git archive: what is committed, not what others are editing). */
function exportRev(rev: string, dir: string): void {
	mkdirSync(dir, { recursive: true });
	const files = [...APP_FILES, 'models'].filter((f) => existsSync(join(ROOT, f)));
	const tar = spawnSync('git', ['archive', '--format=tar', rev, '--', ...files], { cwd: ROOT, maxBuffer: 2 ** 30 });
	if (tar.status !== 0) throw new Error(`git archive ${rev} failed: ${String(tar.stderr).trim()}`);
	const x = spawnSync('tar', ['-x', '-C', dir], { input: tar.stdout });
	if (x.status !== 0) throw new Error(`extracting ${rev} failed: ${String(x.stderr).trim()}`);
}

/** `vite build` of the working tree (or of commit `rev`) in `dir`; returns the folder with the static site. */
export function buildApp(dir: string, rev?: string): string {
	const from = rev ? join(dir, '..', `${rev.replace(/[^\w.-]/g, '_')}-src`) : ROOT;
	if (rev) exportRev(rev, from);
	for (const f of APP_FILES) if (existsSync(join(from, f))) cpSync(join(from, f), join(dir, f), { recursive: true });
	mkdirSync(join(dir, 'models'), { recursive: true });
	for (const f of readdirSync(join(from, 'models')))
		if (f.endsWith('.onnx') || f === 'index.json') cpSync(join(from, 'models', f), join(dir, 'models', f));
	symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
	const r = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'error'], { cwd: dir, encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`vite build failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`);
	return join(dir, 'build');
}

export interface ModelEntry {
	id: string;
	file: string;
	title: string;
}

/** The models folder the app is served with: index.json listing `entries`, files linked in. */
export function modelsDir(dir: string, files: { entry: ModelEntry; path: string }[]): string {
	mkdirSync(dir, { recursive: true });
	for (const { entry, path } of files) if (!existsSync(join(dir, entry.file))) symlinkSync(path, join(dir, entry.file));
	writeFileSync(
		join(dir, 'index.json'),
		JSON.stringify(
			files.map((f) => ({ ...f.entry, description: f.entry.title })),
			null,
			'\t'
		)
	);
	return dir;
}

export interface OpenResult {
	model: string;
	backend: string;
	capture: string;
	ms: number | null;
	/** Peak resident memory of the page's renderer process (page + runtime worker), MiB. */
	peak_mb: number | null;
	/** One hover update in the app itself (pointermove -> readout and crosshair updated), median ms. */
	hover_ms?: number | null;
	/** One step to the next layer (click -> that layer's heatmap drawn), median ms. */
	step_ms?: number | null;
	/** The renderer's CPU time over one step, median ms. */
	step_cpu_ms?: number | null;
	/** What the status line said once the heatmap was drawn (the app's own session and run times). */
	status?: string;
	error?: string;
}

/**
 * Pointer moves over the app's attention heatmap: from dispatching the event to the end of the
 * task (Svelte's microtask flush included: readout and crosshair written), median ms. A
 * MessageChannel hop marks the end of the task; its own ~0.05 ms is included.
 */
async function appHover(page: import('playwright-core').Page, moves: number): Promise<number | null> {
	await page.waitForSelector('[data-state="ready"]', { timeout: 60_000 }).catch(() => undefined);
	// No named function expressions in here: tsx's keepNames would wrap them in a helper the page lacks.
	const ms = await page.evaluate(async (n) => {
		const canvas = document.querySelector<HTMLCanvasElement>('canvas[data-testid="attention-heatmap"]');
		if (!canvas) return null;
		const box = canvas.getBoundingClientRect();
		const ch = new MessageChannel();
		const times: number[] = [];
		let seed = 1;
		for (let k = 0; k < n + 10; k++) {
			seed = (seed * 16807) % 2147483647;
			const x = box.left + (seed / 2147483647) * box.width;
			seed = (seed * 16807) % 2147483647;
			const y = box.top + (seed / 2147483647) * box.height;
			const t0 = performance.now();
			canvas.dispatchEvent(new PointerEvent('pointermove', { clientX: x, clientY: y, bubbles: true }));
			await new Promise<void>((ok) => {
				ch.port1.onmessage = () => ok();
				ch.port2.postMessage(0);
			});
			if (k >= 10) times.push(performance.now() - t0);
			if (k % 10 === 0) await new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));
		}
		const shown = document.querySelector('[data-testid="hover-readout"]') !== null;
		times.sort((a, b) => a - b);
		return shown ? times[times.length >> 1] : null;
	}, moves);
	return ms === null ? null : round(ms, 3);
}

/**
 * Steps to the next layer `steps` times with the page's own control (layer-next) and times each
 * step from the click to the first draw of the attention heatmap showing that layer; median ms.
 * In selective capture a step re-runs the model for the new layer; otherwise it only redraws.
 */
async function appSteps(
	page: import('playwright-core').Page,
	steps: number,
	timeoutMs: number
): Promise<{ ms: number; cpu_ms: number } | null> {
	const times: number[] = [];
	const cpu: number[] = [];
	const pids = rendererPids();
	for (let i = 0; i < steps; i++) {
		const c0 = cpuMs(pids);
		const target = await page.evaluate(() => {
			const cur = Number(document.querySelector<HTMLElement>('[data-testid="layer-current"]')?.dataset.layer ?? NaN);
			const next = document.querySelector<HTMLButtonElement>('[data-testid="layer-next"]');
			if (!Number.isInteger(cur) || !next || next.disabled) return null;
			window.__benchStep = { layer: String(cur + 1), t0: performance.now(), at: undefined };
			next.click();
			return cur + 1;
		});
		if (target === null) break;
		await page.waitForFunction(() => window.__benchStep?.at !== undefined, undefined, { timeout: timeoutMs, polling: 50 });
		times.push(await page.evaluate(() => window.__benchStep!.at! - window.__benchStep!.t0));
		cpu.push(cpuMs(pids) - c0); // the renderer's CPU time over the step (all its threads, the worker's included)
	}
	if (!times.length) return null;
	const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
	return { ms: round(mid(times), 0), cpu_ms: round(mid(cpu), 0) };
}

declare global {
	interface Window {
		__benchFirstHeatmap?: number;
		/** A layer step in flight: which layer, when clicked, when first drawn. */
		__benchStep?: { layer: string; t0: number; at: number | undefined };
	}
}

/**
 * Opens `/?model=ID&backend=B[&capture=C]` in a fresh browser (so the renderer's peak memory is
 * this model's alone) and times navigation start -> the heatmap canvas's first drawImage.
 */
export async function openToFirstHeatmap(
	origin: string,
	id: string,
	opts: { backend: 'wasm' | 'webgpu'; capture?: 'all' | 'semantic'; timeoutMs: number; hoverMoves?: number; steps?: number }
): Promise<OpenResult> {
	const browser: Browser = await launch();
	const result: OpenResult = { model: id, backend: opts.backend, capture: opts.capture ?? 'app default', ms: null, peak_mb: null };
	let peak = 0;
	const sample = () => {
		for (const pid of rendererPids()) peak = Math.max(peak, memoryOf(pid)?.peak ?? 0);
	};
	const sampler = setInterval(sample, 250);
	try {
		const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
		await page.addInitScript(() => {
			// The first pixels of the attention heatmap reach its canvas through drawImage (src/lib/viz/canvas.ts).
			const draw = CanvasRenderingContext2D.prototype.drawImage;
			CanvasRenderingContext2D.prototype.drawImage = function (this: CanvasRenderingContext2D, ...args: unknown[]) {
				if (this.canvas.dataset.testid === 'attention-heatmap') {
					const t = performance.now();
					if (window.__benchFirstHeatmap === undefined) window.__benchFirstHeatmap = t;
					const s = window.__benchStep;
					if (s && s.at === undefined && this.canvas.dataset.layer === s.layer) s.at = t;
				}
				return (draw as (...a: unknown[]) => void).apply(this, args);
			} as typeof draw;
		});
		const q = new URLSearchParams({ model: id, backend: opts.backend, ...(opts.capture ? { capture: opts.capture } : {}) });
		await page.goto(`${origin}/?${q}`);
		await page.waitForFunction(
			() =>
				window.__benchFirstHeatmap !== undefined ||
				document.querySelector('[data-testid="error"]') !== null ||
				document.querySelector('[data-state="error"]') !== null,
			undefined,
			{ timeout: opts.timeoutMs, polling: 100 }
		);
		const r = await page.evaluate(() => ({
			at: window.__benchFirstHeatmap ?? null,
			status: document.querySelector('[data-testid="status-message"]')?.textContent?.trim() ?? null,
			error: document.querySelector('[data-testid="error"]')?.textContent?.trim() ?? null
		}));
		if (r.status) result.status = r.status;
		if (r.at !== null) result.ms = round(r.at, 0);
		else result.error = r.error ?? 'the page reported an error';
		if (r.at !== null && opts.hoverMoves) result.hover_ms = await appHover(page, opts.hoverMoves);
		if (r.at !== null && opts.steps) {
			const s = await appSteps(page, opts.steps, opts.timeoutMs);
			result.step_ms = s?.ms ?? null;
			result.step_cpu_ms = s?.cpu_ms ?? null;
			// The status line after the steps: the mode the app is in and its last run time.
			result.status =
				(
					await page
						.locator('[data-testid="status-message"]')
						.textContent()
						.catch(() => null)
				)?.trim() ?? result.status;
		}
	} catch (e) {
		result.error = String((e as Error).message ?? e).split('\n')[0];
	} finally {
		sample();
		clearInterval(sampler);
		result.peak_mb = peak > 0 ? round(peak, 0) : null;
		await browser.close().catch(() => undefined);
	}
	return result;
}
