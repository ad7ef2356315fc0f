// Node side of the capture bench in Chromium: the bundled page does the timing. The zoo's small
// models share one page per backend (ORT's WASM is compiled once); each GPT-2-shaped model gets
// a fresh context (a new renderer, so one model's WASM heap does not weigh on the next).
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { cpuMs, gpuPid, rendererPids } from './browser.js';
import type { PageCaptureOptions, PageCaptureResult } from './capture-page.js';

export class CapturePage {
	private constructor(
		private readonly context: BrowserContext,
		private readonly page: Page
	) {}

	static async open(browser: Browser, origin: string, backend: 'wasm' | 'webgpu'): Promise<CapturePage> {
		const context = await browser.newContext();
		const page = await context.newPage();
		// CPU time of the renderers (the page's, and idle spares) and, for WebGPU, the GPU process
		// where SwiftShader works. The set is fixed once the page is up, so no process leaves it.
		let pids: number[] = [];
		await page.exposeFunction('__benchCpu', () => cpuMs(pids));
		await page.goto(`${origin}/bench/capture-page.html`);
		await page.waitForFunction(() => '__bench' in window);
		const gpu = backend === 'webgpu' ? gpuPid() : null;
		pids = [...rendererPids(), ...(gpu !== null ? [gpu] : [])];
		return new CapturePage(context, page);
	}

	async capture(o: PageCaptureOptions, timeoutMs: number): Promise<PageCaptureResult> {
		const run = this.page.evaluate(
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
	}

	close(): Promise<void> {
		return this.context.close().catch(() => undefined);
	}
}
