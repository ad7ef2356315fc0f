// How each Playwright project opens the page:
//   webgpu     as a user would (WebGPU is the first choice; SwiftShader provides the adapter)
//   wasm       forced with ?backend=wasm
//   no-webgpu  a browser without WebGPU (launched without --enable-unsafe-webgpu): the page must
//              fall back to WASM by itself and say why
import { test as base, expect, type Page } from '@playwright/test';

export type Mode = 'webgpu' | 'wasm' | 'no-webgpu';

export interface BackendOption {
	mode: Mode;
}

export const test = base.extend<BackendOption & { backend: 'webgpu' | 'wasm'; open: (query?: string) => Promise<void> }>({
	mode: ['webgpu', { option: true }],
	backend: async ({ mode }, use) => use(mode === 'webgpu' ? 'webgpu' : 'wasm'),
	open: async ({ page, mode }, use) => {
		const errors: string[] = [];
		page.on('pageerror', (e) => errors.push(e.message));
		await use(async (query = '') => {
			const params = new URLSearchParams(query);
			if (mode === 'wasm') params.set('backend', 'wasm');
			const qs = params.toString();
			await page.goto(qs ? `/?${qs}` : '/');
		});
		expect(errors, 'uncaught errors in the page').toEqual([]);
	}
});

export { expect };

/** Waits until the status leaves "loading"; fails with the page's error message if it failed. */
export async function waitReady(page: Page): Promise<void> {
	const status = page.getByTestId('status');
	await expect(status).toHaveAttribute('data-state', /^(ready|error)$/, { timeout: 90_000 });
	if ((await status.getAttribute('data-state')) === 'error') {
		const msg = await page.getByTestId('error').textContent();
		throw new Error(`The page reported an error: ${msg}`);
	}
}
