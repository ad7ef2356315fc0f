// Node side of the WebGPU readback measurement (readback-page.ts does the work): one fresh page
// per model, a row per model with the share of a capturing run spent bringing tensors back.
import type { Browser } from 'playwright-core';
import type { ReadbackResult } from './readback-page.js';
import { round } from '../stats.js';

export interface ReadbackRow {
	model: string;
	seq: number;
	/** A capturing run ("semantic") with every output downloaded, as the app runs it, median ms. */
	step_ms: number | null;
	/** step_ms less the same run with the outputs left on the GPU (synchronised by one small read). */
	readback_ms: number | null;
	/** readback_ms / step_ms. */
	share: number | null;
	gpu_ms?: number;
	/** Outputs left on the GPU, only the first layer's attention pattern read back (what a heatmap draws). */
	shown_ms?: number;
	shown_mb?: number;
	captured_mb?: number;
	exposed?: number;
	reps?: number;
	error?: string;
}

export async function readbackRow(
	browser: Browser,
	origin: string,
	m: { id: string; url: string; seq: number },
	reps: number,
	timeoutMs: number
): Promise<ReadbackRow> {
	const model = m.id;
	const context = await browser.newContext();
	try {
		const page = await context.newPage();
		await page.goto(`${origin}/bench/readback-page.html`);
		await page.waitForFunction(() => '__bench' in window);
		const run = page.evaluate(
			(o) => (window as unknown as { __bench: { readback(o: unknown): Promise<ReadbackResult> } }).__bench.readback(o),
			{ url: m.url, seq: m.seq, warmup: 1, reps }
		);
		let timer: NodeJS.Timeout | undefined;
		const limit = new Promise<never>((_, no) => {
			timer = setTimeout(() => no(new Error(`did not finish within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
		});
		const r = await Promise.race([run, limit]).finally(() => clearTimeout(timer));
		const readback = r.step_ms - r.gpu_ms;
		return {
			model,
			seq: r.seq,
			step_ms: round(r.step_ms, 1),
			readback_ms: round(readback, 1),
			share: round(readback / r.step_ms, 3),
			gpu_ms: round(r.gpu_ms, 1),
			shown_ms: round(r.shown_ms, 1),
			shown_mb: round(r.shown_mb, 3),
			captured_mb: round(r.captured_mb, 1),
			exposed: r.exposed,
			reps
		};
	} catch (e) {
		return {
			model,
			seq: 0,
			step_ms: null,
			readback_ms: null,
			share: null,
			error: String((e as Error).message)
				.split('\n')[0]
				.slice(0, 300)
		};
	} finally {
		await context.close().catch(() => undefined);
	}
}
