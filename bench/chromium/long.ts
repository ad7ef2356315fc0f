// The built app at long inputs, as a user runs it: open the GPT-2-shaped stack with a memory
// budget, wait for the first heatmap, step two layers, switch heads twice within the layer. Each
// action is timed from the click to the heatmap drawn for it (layer and head read off the canvas);
// the bytes that crossed from the worker during it are what was captured for it.
import type { Page } from 'playwright-core';
import { cpuMs, gpuPid, launch, memoryOf, rendererPids } from './browser.js';
import { LONG_HOOKS, type WorkerNote } from './long-hooks.js';
import { median, round } from '../stats.js';

export interface LongOptions {
	backend: 'wasm' | 'webgpu';
	/** `?budget=` in MiB (0: none, the app's default). */
	budgetMiB: number;
	steps: number;
	headSwitches: number;
	openTimeoutMs: number;
	stepTimeoutMs: number;
}

export interface LongAppResult {
	open_ms: number | null;
	/** Renderer (page + worker) VmHWM over the whole session, MiB. */
	peak_mb: number | null;
	/** WebGPU: the GPU process's VmHWM too (SwiftShader keeps GPU buffers there). */
	gpu_peak_mb?: number | null;
	steps_ms: number[];
	steps_cpu_ms: number[];
	head_switches_ms: number[];
	/** The renderer's CPU time over each head switch (page and worker), ms. */
	head_switches_cpu_ms: number[];
	/** Per head switch: whether the worker sent anything (a re-run) or it was served from what the page held. */
	head_switch_reran: boolean[];
	/** MiB the worker sent per layer step, per head switch, and for the first run. */
	step_mib: number[];
	head_switch_mib: number[];
	open_mib: number | null;
	/** What capturing the requested set in full would produce (the worker's plan), MiB. */
	full_capture_mib: number | null;
	mode?: string;
	status?: string;
	error?: string;
}

const MiB = 2 ** 20;
const statusOf = (page: Page) =>
	page
		.locator('[data-testid="status-message"]')
		.textContent({ timeout: 2000 })
		.then((s) => s?.trim() ?? undefined)
		.catch(() => undefined);

/** Waits until the heatmap is drawn with this layer (and head) after t0; ms from t0, and the messages in between. */
async function drawnAfter(page: Page, t0: number, layer: string, head: string | null, timeoutMs: number) {
	await page.waitForFunction(
		([t, l, h]) => (window.__longDraws ?? []).some((d) => d.t >= (t as number) && d.layer === l && (h === null || d.head === h)),
		[t0, layer, head] as const,
		{ timeout: timeoutMs, polling: 50 }
	);
	return page.evaluate(
		([t, l, h]) => {
			const at = window.__longDraws!.find((d) => d.t >= (t as number) && d.layer === l && (h === null || d.head === h))!.t;
			const notes = (window.__longMessages ?? []).filter((m) => m.t >= (t as number) && m.t <= at);
			return { ms: at - (t as number), notes };
		},
		[t0, layer, head] as const
	);
}

const mib = (notes: WorkerNote[]) => round(notes.reduce((s, m) => s + m.bytes, 0) / MiB, 2);

async function steps(page: Page, o: LongOptions, r: LongAppResult): Promise<void> {
	const pids = rendererPids();
	for (let i = 0; i < o.steps; i++) {
		const c0 = cpuMs(pids);
		const go = await page.evaluate(() => {
			const cur = Number(document.querySelector<HTMLElement>('[data-testid="layer-current"]')?.dataset.layer ?? NaN);
			const next = document.querySelector<HTMLButtonElement>('[data-testid="layer-next"]');
			if (!Number.isInteger(cur) || !next || next.disabled) return null;
			const t0 = performance.now();
			next.click();
			return { t0, layer: String(cur + 1) };
		});
		if (!go) throw new Error('no next layer to step to');
		const d = await drawnAfter(page, go.t0, go.layer, null, o.stepTimeoutMs);
		r.steps_ms.push(round(d.ms, 0));
		r.steps_cpu_ms.push(round(cpuMs(pids) - c0, 0));
		r.step_mib.push(mib(d.notes));
	}
}

async function headSwitches(page: Page, o: LongOptions, r: LongAppResult): Promise<void> {
	const pids = rendererPids();
	for (let i = 0; i < o.headSwitches; i++) {
		const c0 = cpuMs(pids);
		const go = await page.evaluate(() => {
			const layer = document.querySelector<HTMLElement>('[data-testid="layer-current"]')?.dataset.layer;
			const sel = document.querySelector<HTMLSelectElement>('[data-testid="head-select"]');
			if (layer === undefined || !sel || sel.disabled || sel.options.length < 2) return null;
			const head = String((Number(sel.value) + 1) % sel.options.length);
			const t0 = performance.now();
			sel.value = head;
			sel.dispatchEvent(new Event('change', { bubbles: true }));
			return { t0, layer, head };
		});
		if (!go) throw new Error('no head to switch to');
		const d = await drawnAfter(page, go.t0, go.layer, go.head, o.stepTimeoutMs);
		r.head_switches_ms.push(round(d.ms, 1));
		r.head_switches_cpu_ms.push(round(cpuMs(pids) - c0, 0));
		r.head_switch_reran.push(d.notes.some((m) => m.type === 'result'));
		r.head_switch_mib.push(mib(d.notes));
	}
}

/** One fresh browser: the app at `/?model=ID&backend=B&budget=N`, opened, stepped and switched. */
export async function longInApp(origin: string, id: string, o: LongOptions): Promise<LongAppResult> {
	const browser = await launch();
	const r: LongAppResult = {
		open_ms: null,
		peak_mb: null,
		steps_ms: [],
		steps_cpu_ms: [],
		head_switches_ms: [],
		head_switches_cpu_ms: [],
		head_switch_reran: [],
		step_mib: [],
		head_switch_mib: [],
		open_mib: null,
		full_capture_mib: null
	};
	let peak = 0;
	let gpuPeak = 0;
	const sample = () => {
		for (const pid of rendererPids()) peak = Math.max(peak, memoryOf(pid)?.peak ?? 0);
		const g = o.backend === 'webgpu' ? gpuPid() : null;
		if (g !== null) gpuPeak = Math.max(gpuPeak, memoryOf(g)?.peak ?? 0);
	};
	const sampler = setInterval(sample, 250);
	let page: Page | null = null;
	try {
		page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
		await page.addInitScript({ content: LONG_HOOKS });
		const q = new URLSearchParams({ model: id, backend: o.backend, ...(o.budgetMiB > 0 ? { budget: String(o.budgetMiB) } : {}) });
		await page.goto(`${origin}/?${q}`);
		await page.waitForFunction(
			() =>
				(window.__longDraws ?? []).length > 0 ||
				document.querySelector('[data-testid="error"]') !== null ||
				document.querySelector('[data-state="error"]') !== null ||
				document.querySelector('[data-testid="status"][data-state="ready"]') !== null,
			undefined,
			{ timeout: o.openTimeoutMs, polling: 100 }
		);
		// Ready without a heatmap: give the views a minute to draw, then say so rather than wait out the timeout.
		await page
			.waitForFunction(() => (window.__longDraws ?? []).length > 0 || document.querySelector('[data-testid="error"]') !== null, undefined, {
				timeout: 60_000,
				polling: 100
			})
			.catch(() => undefined);
		const first = await page.evaluate(() => ({
			at: window.__longDraws?.[0]?.t ?? null,
			notes: window.__longMessages ?? [],
			error: document.querySelector('[data-testid="error"]')?.textContent?.trim() ?? null
		}));
		r.status = await statusOf(page);
		if (first.at === null) throw new Error(first.error ?? 'the page said ready, but no attention heatmap was drawn within 60 s');
		r.open_ms = round(first.at, 0);
		const opened = first.notes.filter((m) => m.t <= first.at!);
		r.open_mib = mib(opened);
		const res = opened.find((m) => m.requested !== undefined);
		if (res) {
			r.full_capture_mib = round(res.requested! / MiB, 1);
			r.mode = res.mode;
		}
		await steps(page, o, r);
		await headSwitches(page, o, r);
		r.status = (await statusOf(page)) ?? r.status;
	} catch (e) {
		r.error = String((e as Error).message ?? e)
			.split('\n')[0]
			.slice(0, 300);
		if (page && !r.status) r.status = await statusOf(page);
	} finally {
		sample();
		clearInterval(sampler);
		r.peak_mb = peak > 0 ? round(peak, 0) : null;
		if (o.backend === 'webgpu') r.gpu_peak_mb = gpuPeak > 0 ? round(gpuPeak, 0) : null;
		await browser.close().catch(() => undefined);
	}
	return r;
}

export const medianOr = (xs: number[]): number | null => (xs.length ? median(xs) : null);
