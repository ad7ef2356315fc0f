// The page for a first-time user: no two views overlap and no chart is wider than its view at
// 800, 1366, 1920 and 2560 px (the views take the window's width, as DevTools does); the tabs
// reach every view in one click and the URL reopens it; the layout stays still while a run is in
// flight (and marks the views stale, the compare, diff and what-if views too); a refused file is
// named with the step that failed; help and the first-run orientation; the heatmap's colour
// scales and thinned labels.
// BLOCKSCOPE_LAYOUT_SHOTS=dir also writes a full-page screenshot per width there.
import { test, expect, waitReady } from './backend';
import type { Page } from '@playwright/test';

type Box = { x: number; y: number; width: number; height: number };
const overlap = (a: Box, b: Box) =>
	Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)) *
	Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));

/** Each view section's box, and each chart (svg, canvas) that sticks out of its section. */
async function boxes(page: Page) {
	return page.evaluate(() => {
		const r = (e: Element) => {
			const b = e.getBoundingClientRect();
			return { x: b.x, y: b.y + scrollY, width: b.width, height: b.height };
		};
		return [...document.querySelectorAll('[data-testid=view-section]')].map((s) => {
			const box = r(s);
			const out = [...s.querySelectorAll('svg, canvas')]
				.filter((c) => !c.closest('details:not([open])') && c.getBoundingClientRect().width > 0)
				.map((c) => ({
					el: `${c.tagName.toLowerCase()}.${c.getAttribute('class') ?? ''}[${c.getAttribute('data-testid') ?? ''}]`,
					b: r(c)
				}))
				.filter(({ b }) => b.x < box.x - 1 || b.x + b.width > box.x + box.width + 1)
				.map(
					({ el, b }) =>
						`${el} x ${Math.round(b.x)}..${Math.round(b.x + b.width)} vs ${Math.round(box.x)}..${Math.round(box.x + box.width)}`
				);
			return { view: s.getAttribute('data-view')!, box, out, wide: s.scrollWidth > s.clientWidth + 1 };
		});
	});
}

for (const [w, h] of [
	[800, 900],
	[1366, 768],
	[1920, 1080],
	[2560, 1440]
] as const) {
	test(`layout at ${w}x${h}: views side by side without overlap, charts inside their views, tabs in the first screen`, async ({
		page,
		open
	}) => {
		await page.setViewportSize({ width: w, height: h });
		await open();
		await waitReady(page);
		// The heatmap uses its column: wider windows draw it larger.
		const grid = (await page.getByTestId('attention-heatmap').boundingBox())!;
		const column = (await page.locator('[data-testid=view-section][data-view=attention]').boundingBox())!;
		const views = (await page.getByTestId('views').boundingBox())!;
		expect(grid.width).toBeGreaterThan(Math.min(column.width - 140, h - views.y - 200));
		// The views take the window's width (less the page's padding), not a centred strip.
		expect(views.width).toBeGreaterThan(w - 80);
		// ... and its grid stays in the first screen.
		expect(grid.y + grid.height).toBeLessThanOrEqual(h);
		// The residual-flow charts stay inside their column and clear of the norms beside it.
		const flowOut = await page.evaluate(() => {
			const flow = document.querySelector('[data-testid=residual-flow]')!;
			const col = flow.parentElement!.getBoundingClientRect();
			const norms = document.querySelector('[data-testid=norm-stats]')!.getBoundingClientRect();
			const beside = norms.left >= col.right - 1;
			return [...flow.querySelectorAll('svg, canvas')]
				.map((c) => c.getBoundingClientRect())
				.filter((b) => b.width > 0 && (b.left < col.left - 1 || b.right > col.right + 1 || (beside && b.right > norms.left)))
				.map((b) => `${Math.round(b.left)}..${Math.round(b.right)} vs ${Math.round(col.left)}..${Math.round(col.right)}`);
		});
		expect(flowOut, 'flow charts outside their column').toEqual([]);
		// A tensor heatmap too (the widest chart of the tensors view).
		await page.getByTestId('tensor-row').first().click();
		await expect(page.getByTestId('tensor-heatmap')).toBeVisible();
		await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
		const all = await boxes(page);
		expect(all.map((v) => v.view).sort()).toEqual(['attention', 'ffn', 'heads', 'health', 'stream', 'tensors']);
		for (let i = 0; i < all.length; i++)
			for (let j = i + 1; j < all.length; j++)
				expect(overlap(all[i].box, all[j].box), `${all[i].view} overlaps ${all[j].view}`).toBeLessThan(1);
		for (const v of all) {
			expect(v.out, `charts wider than the ${v.view} view`).toEqual([]);
			expect(v.wide, `the ${v.view} view scrolls sideways`).toBe(false);
			expect(v.box.x + v.box.width, `${v.view} inside the window`).toBeLessThanOrEqual(w);
		}
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(w);
		const tabs = (await page.getByTestId('view-tabs').boundingBox())!;
		expect(tabs.y + tabs.height).toBeLessThan(h);
		if (process.env.BLOCKSCOPE_LAYOUT_SHOTS)
			await page.screenshot({ path: `${process.env.BLOCKSCOPE_LAYOUT_SHOTS}/layout-${w}.png`, fullPage: true });
	});
}

test('tabs: each view one click from the top, named in the URL, reopened by it', async ({ page, open }) => {
	await page.setViewportSize({ width: 1366, height: 768 });
	await open();
	await waitReady(page);
	const inSight = (view: string) =>
		page.locator(`[data-testid=view-section][data-view=${view}]`).evaluate((el) => {
			const b = el.getBoundingClientRect();
			return b.top >= -1 && b.top < innerHeight - 40;
		});
	for (const view of ['ffn', 'stream', 'tensors', 'health', 'heads', 'attention']) {
		await page.locator(`[data-testid=view-tab][data-view=${view}]`).click();
		await expect(page).toHaveURL(new RegExp(`[?&]view=${view}(&|$)`));
		await expect(page.locator(`[data-testid=view-tab][data-view=${view}]`)).toHaveAttribute('aria-current', 'true');
		expect(await inSight(view), `${view} in sight`).toBe(true);
	}
	// A link to a section opens there.
	await open('view=ffn');
	await waitReady(page);
	await expect.poll(() => inSight('ffn')).toBe(true);
	// The other views are one click too, and the URL says which is open.
	await page.getByTestId('compare-tab').click();
	await expect(page).toHaveURL(/[?&]compare=post-ln(&|$)/);
	await expect(page.getByTestId('compare-view')).toBeVisible();
	await page.getByTestId('diff-open').click();
	await expect(page).toHaveURL(/[?&]diff=1(&|$)/);
	await expect(page).not.toHaveURL(/compare=/);
	await page.getByTestId('whatif-open').click();
	await expect(page.getByTestId('whatif-view')).toBeVisible();
	await page.locator('[data-testid=view-tab][data-view=tensors]').click();
	await expect(page.getByTestId('whatif-view')).toHaveCount(0);
	await expect(page.getByTestId('tensor-list')).toBeVisible();
});

test('a re-run in flight: the heatmap stays where it is and the views are marked stale until it is done', async ({ page, open }) => {
	await page.setViewportSize({ width: 1366, height: 768 });
	await open();
	await waitReady(page);
	await page.evaluate(() => {
		const w = window as unknown as { seen: { stale: string | null; top: number }[] };
		w.seen = [];
		const views = document.querySelector('[data-testid=views]')!;
		const note = () =>
			w.seen.push({
				stale: views.getAttribute('data-stale'),
				top: document.querySelector('[data-testid=attention-heatmap]')!.getBoundingClientRect().top + scrollY
			});
		note();
		new MutationObserver(note).observe(document.body, { attributes: true, subtree: true, childList: true });
	});
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	// The run is quick: the observer saw what the page went through.
	await expect
		.poll(() => page.evaluate(() => (window as unknown as { seen: { stale: string | null }[] }).seen.some((s) => s.stale === 'running')))
		.toBe(true);
	await waitReady(page);
	const seen = await page.evaluate(() => (window as unknown as { seen: { stale: string | null; top: number }[] }).seen);
	expect(
		seen.some((s) => s.stale === 'running'),
		'marked stale while running'
	).toBe(true);
	expect(new Set(seen.map((s) => Math.round(s.top))).size, 'the heatmap never moved').toBe(1);
	await expect(page.getByTestId('views')).not.toHaveAttribute('data-stale', /./);
	await expect(page.getByTestId('stale-note')).toHaveCount(0);
});

test('a refused file: the banner names it and says the views below are the previous model, marked stale', async ({ page, open }) => {
	await open();
	await waitReady(page);
	await page
		.getByTestId('model-file')
		.setInputFiles([
			{ name: 'not-a-model.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from('this is not protobuf at all') }
		]);
	const err = page.getByTestId('error');
	await expect(err).toBeVisible({ timeout: 60_000 });
	await expect(page.getByTestId('error-file')).toHaveAttribute('data-file', 'not-a-model.onnx');
	await expect(page.getByTestId('error-file')).toContainText('not-a-model.onnx');
	await expect(page.getByTestId('error-previous')).toContainText('pre-ln.onnx');
	await expect(page.getByTestId('views')).toHaveAttribute('data-stale', 'failed');
	await expect(page.getByTestId('stale-note')).toBeVisible();
	// What failed is a step, not the backend: the bytes are not an ONNX model.
	await expect(err).toHaveAttribute('data-step', 'reading');
	await expect(page.getByTestId('error-file')).toContainText('reading the model failed');
	// The other views show the previous run too, and say so.
	for (const [open, view] of [
		['compare-tab', 'compare-view'],
		['diff-open', 'diff-view'],
		['whatif-open', 'whatif-view']
	] as const) {
		await page.getByTestId(open).click();
		await expect(page.getByTestId(view)).toBeVisible();
		await expect(page.getByTestId('views')).toHaveAttribute('data-stale', 'failed');
		await expect(page.getByTestId('views')).toHaveCount(1);
		await expect(page.getByTestId('stale-note')).toContainText('Stale: the last request failed');
	}
});

test('help (? key and button) and the first-run orientation, dismissed for good', async ({ page, open }) => {
	await open();
	await waitReady(page);
	await expect(page.getByTestId('intro')).toBeVisible();
	await page.getByTestId('intro-dismiss').click();
	await expect(page.getByTestId('intro')).toHaveCount(0);
	await page.getByTestId('status').click(); // focus the page, not a field
	await page.keyboard.press('?');
	const help = page.getByTestId('help');
	await expect(help).toBeVisible();
	await expect(help).toBeFocused();
	await expect(help).toContainText('pin the cell');
	await page.keyboard.press('Escape');
	await expect(help).toHaveCount(0);
	await page.getByTestId('help-open').click();
	await expect(help).toBeVisible();
	await page.getByTestId('help-close').click();
	await expect(help).toHaveCount(0);
	await expect(page.getByTestId('help-open')).toBeFocused();
	await page.reload();
	await waitReady(page);
	await expect(page.getByTestId('intro')).toHaveCount(0);
});

test('colour scales: the legend states the domain, the URL keeps the scale; thinned labels say so', async ({ page, open }) => {
	await open('layer=1&head=2');
	await waitReady(page);
	const fig = page.getByTestId('attention-figure');
	await expect(fig.locator('.legend-title').first()).toHaveText('weight (fixed 0 to 1)');
	const map = page.getByTestId('attention-heatmap');
	const maxOf = () => map.evaluate((el) => el.getAttribute('data-rows'));
	expect(Number(await maxOf())).toBeGreaterThan(1);
	await page.getByTestId('attention-scale').selectOption('head');
	await expect(page).toHaveURL(/[?&]scale=head(&|$)/);
	// The head's largest weight, from the hook's own tensor, is the legend's top.
	const top = await page.evaluate(() => {
		const h = window.__blockscope!;
		const a = h.info().attention!.find((x) => x.layer === 1)!;
		const t = h.tensor(a.tensor)!;
		const S = t.dims[3];
		let m = 0;
		for (let i = 2 * S * S; i < 3 * S * S; i++) m = Math.max(m, Number(t.data[i]));
		return m;
	});
	await expect(fig.locator('.legend-title').first()).toHaveText(`weight (0 to this head’s max, ${Number(top.toPrecision(3))})`);
	await page.getByTestId('attention-scale').selectOption('row');
	await expect(fig.locator('.legend-title').first()).toContainText('row');
	await open('scale=log');
	await waitReady(page);
	await expect(page.getByTestId('attention-scale')).toHaveValue('log');
	await expect(fig.locator('.legend-title').first()).toContainText('log10 weight');
	// A long text on a narrow window: labels thin out, and the figure says how.
	await page.setViewportSize({ width: 800, height: 700 });
	await open(`text=${encodeURIComponent('the quick brown fox jumps over the lazy dog and runs far away ok')}`);
	await waitReady(page);
	const thin = page.getByTestId('axis-thinned');
	await expect(thin).toHaveCount(1);
	const step = Number(await thin.getAttribute('data-step'));
	expect(step).toBeGreaterThan(1);
	const labels = await page.getByTestId('attention-figure').locator('.axis-x .tick').count();
	expect(labels).toBe(Math.ceil(Number(await map.getAttribute('data-cols')) / step));
});
