// README's screenshot (docs/screenshot.png): the debugger at 1366x768, as a laptop shows it.
// Skipped unless BLOCKSCOPE_SCREENSHOT=1 (it writes into docs/):
//   BLOCKSCOPE_SCREENSHOT=1 node scripts/test.mjs --e2e-only -- --project=wasm tests/e2e/screenshot.spec.ts
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
