// The backend each Playwright project runs: 'webgpu' opens the page as a user would (WebGPU is
// the first choice), 'wasm' forces WASM with ?backend=wasm.
import { test as base, expect, type Page } from '@playwright/test';

export interface BackendOption {
	backend: 'webgpu' | 'wasm';
}

export const test = base.extend<BackendOption & { open: (query?: string) => Promise<void> }>({
	backend: ['webgpu', { option: true }],
	open: async ({ page, backend }, use) => {
		const errors: string[] = [];
		page.on('pageerror', (e) => errors.push(e.message));
		await use(async (query = '') => {
			const params = new URLSearchParams(query);
			if (backend === 'wasm') params.set('backend', 'wasm');
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
