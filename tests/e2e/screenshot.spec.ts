// README's screenshots: the debugger at 1366x768 (docs/screenshot.png), the named heads (docs/heads.png)
// and one per view and width (docs/screenshots/). Skipped unless BLOCKSCOPE_SCREENSHOT=1 (it writes
// into docs/); `npm run screenshots` builds, serves and runs it (scripts/screenshots.mjs).
import { test, expect, waitReady } from './backend';
import { hoverCell } from './helpers';

test('screenshot for the README', async ({ page, open, mode }) => {
	test.skip(
		!process.env.BLOCKSCOPE_SCREENSHOT || mode !== 'wasm',
		'set BLOCKSCOPE_SCREENSHOT=1 (wasm project) to write docs/screenshot.png'
	);
	await page.setViewportSize({ width: 1366, height: 768 });
	await page.emulateMedia({ colorScheme: (process.env.BLOCKSCOPE_SCREENSHOT_SCHEME as 'light' | 'dark') || 'light' });
	await open('layer=1&head=1');
	await waitReady(page);
	await page.getByTestId('tensor-filter').fill('resid_mid');
	await page.getByTestId('tensor-list').locator('[data-name="layer1/resid_mid"]').click();
	await page.getByTestId('tensor-filter').fill('');
	await expect(page.getByTestId('tensor-heatmap')).toBeVisible();
	await hoverCell(page, page.getByTestId('attention-heatmap'), 13, 9);
	await expect(page.getByTestId('hover-readout')).toHaveAttribute('data-row', '13');
	await page.screenshot({ path: process.env.BLOCKSCOPE_SCREENSHOT_PATH || 'docs/screenshot.png' });
});

test('screenshot of the named heads for the README', async ({ page, open, mode }) => {
	test.skip(!process.env.BLOCKSCOPE_SCREENSHOT || mode !== 'wasm', 'set BLOCKSCOPE_SCREENSHOT=1 (wasm project) to write docs/heads.png');
	await page.setViewportSize({ width: 1366, height: 768 });
	await page.emulateMedia({ colorScheme: 'light' });
	await open(`layer=0&text=${encodeURIComponent('the cat sat on the mat')}`);
	await waitReady(page);
	await page.getByTestId('repeat-text').click();
	await expect(page.getByTestId('induction-measured')).toBeVisible();
	await waitReady(page);
	const labels = await page.getByTestId('head-thumb').evaluateAll((els) => els.map((e) => e.getAttribute('data-label')));
	expect(labels).toHaveLength(4);
	await page.getByTestId('heads-figure').screenshot({ path: 'docs/heads.png' });
});

// One picture per view and width (docs/screenshots/VIEW-WIDTH.png), each the view's own box, for
// docs/screenshots/README.md; `npm run screenshots` runs this and writes that page's table.
export const WIDTHS = [800, 1366, 1920] as const;
const VIEWS: {
	file: string;
	query: string;
	shot: string;
	ready?: string;
	setup?: (page: import('@playwright/test').Page) => Promise<void>;
}[] = [
	{ file: 'attention', query: 'layer=1&head=1', shot: '[data-testid=view-section][data-view=attention]' },
	{
		file: 'tensors',
		query: 'layer=1',
		shot: '[data-testid=view-section][data-view=tensors]',
		setup: async (page) => {
			await page.getByTestId('tensor-filter').fill('hook_pattern');
			await page.getByTestId('tensor-row').first().click();
			await expect(page.getByTestId('tensor-heatmap')).toBeVisible();
		}
	},
	{ file: 'stream', query: 'layer=1', shot: '[data-testid=view-section][data-view=stream]' },
	{ file: 'ffn', query: 'layer=1', shot: '[data-testid=view-section][data-view=ffn]' },
	{ file: 'health', query: 'model=broken-ffn', shot: '[data-testid=view-section][data-view=health]' },
	{ file: 'compare', query: 'compare=post-ln&layer=1', shot: '[data-testid=compare-view]', ready: 'compare-view' },
	{ file: 'diff', query: 'diff=1', shot: '[data-testid=diff-view]', ready: 'diff-view' },
	{ file: 'whatif', query: 'ablate=0.1', shot: '[data-testid=whatif-view]', ready: 'whatif-view' }
];

for (const v of VIEWS)
	test(`screenshots of a view at each width: ${v.file}`, async ({ page, mode }) => {
		test.skip(
			!process.env.BLOCKSCOPE_SCREENSHOT || mode !== 'wasm',
			`set BLOCKSCOPE_SCREENSHOT=1 (wasm project) to write docs/screenshots/${v.file}-*.png`
		);
		await page.setViewportSize({ width: WIDTHS[0], height: 900 });
		await page.emulateMedia({ colorScheme: 'light' });
		await page.addInitScript(() => localStorage.setItem('blockscope.intro', 'seen'));
		// The diff needs WebGPU beside WASM: the page as a user opens it (auto backend).
		await page.goto(`/?${v.query}${v.file === 'diff' ? '' : '&backend=wasm'}`);
		await waitReady(page);
		if (v.ready) await expect(page.getByTestId(v.ready)).toHaveAttribute('data-state', /^(ready|unavailable)$/, { timeout: 90_000 });
		await v.setup?.(page);
		for (const w of WIDTHS) {
			await page.setViewportSize({ width: w, height: w === 800 ? 900 : Math.round((w * 9) / 16) });
			// The charts measure their columns on resize: two frames, then the box is final.
			await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
			await page.waitForTimeout(200);
			await page.locator(v.shot).screenshot({ path: `docs/screenshots/${v.file}-${w}.png` });
		}
	});
