// Keyboard and accessibility of the default view: the export menus behave as menus (named by their
// figure, arrows move, Escape closes and gives focus back), and axe-core finds nothing to fix.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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

test('axe-core: the default view has no violations', async ({ page, open }) => {
	await open();
	await waitReady(page);
	await page.evaluate(axeSource); // not a script tag: the page's CSP refuses inline scripts
	const violations = await page.evaluate(async () => {
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
	expect(violations).toEqual([]);
});
