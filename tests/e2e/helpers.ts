// Shared steps for the debugger's end-to-end tests.
import type { Locator, Page } from '@playwright/test';
import { expect, waitReady } from './backend';
import type {} from '../../src/lib/worker/test-hook'; // window.__blockscope

/** Moves the mouse to the centre of cell (r, c), per the contract: box = cell grid. */
export async function hoverCell(page: Page, map: Locator, r: number, c: number): Promise<void> {
	const box = (await map.boundingBox())!;
	const rows = Number(await map.getAttribute('data-rows'));
	const cols = Number(await map.getAttribute('data-cols'));
	await page.mouse.move(box.x + ((c + 0.5) * box.width) / cols, box.y + ((r + 0.5) * box.height) / rows);
}

/** Hovers (r, c) and waits until the readout shows that cell; returns its data-value. */
export async function readCell(page: Page, map: Locator, r: number, c: number): Promise<string> {
	await hoverCell(page, map, r, c);
	const readout = page.getByTestId('hover-readout');
	await expect(readout).toHaveAttribute('data-row', String(r));
	await expect(readout).toHaveAttribute('data-col', String(c));
	return (await readout.getAttribute('data-value'))!;
}

export function hookTensor(page: Page, name: string) {
	return page.evaluate((n) => window.__blockscope!.tensor(n), name);
}

export function hookInfo(page: Page) {
	return page.evaluate(() => window.__blockscope!.info());
}

/** Opens model bytes through the file picker and waits for the page to be ready. */
export async function upload(page: Page, files: { name: string; bytes: Uint8Array }[]): Promise<void> {
	await page
		.getByTestId('model-file')
		.setInputFiles(files.map((f) => ({ name: f.name, mimeType: 'application/octet-stream', buffer: Buffer.from(f.bytes) })));
	const name = files.find((f) => f.name.endsWith('.onnx'))?.name ?? files[0].name;
	// The hook changes when the new model's result is in (ready or not, "ready" follows the draw).
	await page.waitForFunction((n) => window.__blockscope?.info().model === n || document.querySelector('[data-testid=error]'), name, {
		timeout: 120_000
	});
	await waitReady(page);
}

/** Clicks somewhere neutral so the keyboard goes to the page, not a field. */
export async function focusPage(page: Page): Promise<void> {
	await page.locator('h1').click();
}
