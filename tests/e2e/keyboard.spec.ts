// Keyboard and accessibility: the export menus behave as menus (named by their figure, arrows
// move, Escape closes and gives focus back), and axe-core finds nothing to fix in any view.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';
import { test, expect, waitReady } from './backend';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

test('export menu: named by its figure; opens on Enter into its items, arrows move, Escape closes', async ({ page, open }) => {
	await open();
	await waitReady(page);
	const button = page.getByLabel('Export attention figure', { exact: true }); // a <summary>
	await expect(button).toHaveCount(1);
	await button.focus();
	await page.keyboard.press('Enter');
	const items = page.getByRole('menu', { name: 'export attention as' }).getByRole('menuitem');
	await expect(items.first()).toBeFocused();
	await page.keyboard.press('ArrowDown');
	await expect(items.nth(1)).toBeFocused();
	await page.keyboard.press('ArrowUp');
	await page.keyboard.press('ArrowUp'); // wraps to the last
	await expect(items.last()).toBeFocused();
	await expect(page.getByTestId('layer-current')).toHaveAttribute('data-layer', '0'); // arrows stayed in the menu
	await page.keyboard.press('Escape');
	await expect(items.first()).toBeHidden();
	await expect(button).toBeFocused();
	// Named steppers, not arrows glyphs.
	await expect(page.getByRole('button', { name: 'next layer' })).toBeVisible();
	await expect(page.getByTestId('layer-current')).toHaveText(/layer\s*1\s*of 4/);
});

/** axe-core over the whole page: each violation as "rule (impact): first targets". */
async function axeViolations(page: Page): Promise<string[]> {
	await page.evaluate(axeSource); // not a script tag: the page's CSP refuses inline scripts
	return page.evaluate(async () => {
		const axe = (
			window as unknown as {
				axe: { run: (c: Document) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> };
			}
		).axe;
		const r = await axe.run(document);
		return r.violations.map(
			(v) =>
				`${v.id} (${v.impact}): ${v.nodes
					.slice(0, 4)
					.map((n) => n.target.join(' '))
					.join(' | ')}${v.nodes.length > 4 ? ` +${v.nodes.length - 4}` : ''}`
		);
	});
}

test('axe-core: the default view has no violations', async ({ page, open }) => {
	await open();
	await waitReady(page);
	expect(await axeViolations(page)).toEqual([]);
});

test('axe-core: a tensor selected, a pinned cell, an open export menu and the help panel: no violations', async ({ page, open }) => {
	await open();
	await waitReady(page);
	await page.getByTestId('tensor-row').first().click();
	await expect(page.getByTestId('tensor-heatmap')).toBeVisible();
	await page.getByTestId('attention-heatmap').click({ position: { x: 5, y: 5 } });
	await expect(page.getByTestId('hover-readout')).toHaveAttribute('data-pinned', 'true');
	await page.getByLabel('Export attention figure', { exact: true }).click();
	await page.getByTestId('help-open').click();
	await expect(page.getByTestId('help')).toBeVisible();
	expect(await axeViolations(page)).toEqual([]);
});

for (const [name, query, view] of [
	['compare', 'compare=post-ln', 'compare-view'],
	['diff', 'diff=1', 'diff-view'],
	['what-if', 'ablate=0.1', 'whatif-view']
] as const)
	test(`axe-core: the ${name} view has no violations`, async ({ page, open }) => {
		await open(query);
		await waitReady(page);
		await expect(page.getByTestId(view)).toHaveAttribute('data-state', /^(ready|unavailable)$/, { timeout: 90_000 });
		expect(await axeViolations(page)).toEqual([]);
	});

test('axe-core: the error state (a refused file) has no violations', async ({ page, open }) => {
	await open();
	await waitReady(page);
	await page
		.getByTestId('model-file')
		.setInputFiles([{ name: 'broken.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from('not a model') }]);
	await expect(page.getByTestId('error-file')).toBeVisible({ timeout: 60_000 });
	expect(await axeViolations(page)).toEqual([]);
});
