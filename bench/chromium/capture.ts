// Node side of the capture bench in Chromium: a fresh page per model and backend (a new renderer,
// so one model's WASM heap does not weigh on the next), the bundled page does the timing.
import type { Browser } from 'playwright-core';
import { cpuMs, gpuPid, rendererPids } from './browser.js';
import type { PageCaptureOptions, PageCaptureResult } from './capture-page.js';

export async function captureInChromium(browser: Browser, origin: string, o: PageCaptureOptions, timeoutMs: number): Promise<PageCaptureResult> {
	const context = await browser.newContext();
	const page = await context.newPage();
	try {
		// CPU time of the renderers (the page's, and idle spares) and, for WebGPU, the GPU process
		// where SwiftShader works. The set is fixed once the page is up, so no process leaves it.
		let pids: number[] = [];
		await page.exposeFunction('__benchCpu', () => cpuMs(pids));
		await page.goto(`${origin}/bench/capture-page.html`);
		await page.waitForFunction(() => '__bench' in window);
		const gpu = o.backend === 'webgpu' ? gpuPid() : null;
		pids = [...rendererPids(), ...(gpu !== null ? [gpu] : [])];
		const run = page.evaluate(
			(opts) => (window as unknown as { __bench: { capture(o: unknown): Promise<PageCaptureResult> } }).__bench.capture(opts),
			o
		);
		let timer: NodeJS.Timeout | undefined;
		const limit = new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new Error(`did not finish within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
		});
		try {
			return await Promise.race([run, limit]);
		} finally {
			clearTimeout(timer);
		}
	} finally {
		await context.close().catch(() => undefined);
	}
}
