// A pattern over 1024 tokens is drawn as an overview (pooled blocks) with a zoom into exact cells:
// the tiny causal attention model, as an ids model (no vocabulary), at seq 2048. Hover values in
// both views equal the captured tensor's; the overview's block line equals the block's max over the
// captured cells; overview -> zoom -> overview keeps the pinned cell, by mouse and by keyboard.
import { test, expect } from './backend';
import { hoverCell, upload } from './helpers';
import { readModel } from '../../src/lib/onnx';
import { encodeModel } from '../../src/lib/onnx/build';
import { tinyAttentionModel } from './tiny-model';

test.skip(({ mode }) => mode !== 'wasm', 'drawing does not depend on the backend');

const SEQ = 2048;

/** The tiny model without its vocabulary: inputs are ids, so any length runs. */
function tinyIdsModel(): Uint8Array {
	const m = readModel(tinyAttentionModel());
	m.metadataProps = [];
	m.graph!.name = 'tiny-ids';
	return encodeModel(m);
}

/** The captured pattern's value at head 0, (row, col), as the readout prints it; and a block's max. */
function captured(page: import('@playwright/test').Page, row: number, col: number, block: number) {
	return page.evaluate(
		([r, c, b, n]) => {
			const t = window.__blockscope!.tensor('pattern')!;
			let max = -Infinity;
			const r0 = Math.floor(r / b) * b;
			const c0 = Math.floor(c / b) * b;
			for (let i = r0; i < r0 + b; i++) for (let j = c0; j < c0 + b; j++) max = Math.max(max, t.data[i * n + j]);
			return { value: String(t.data[r * n + c]), blockMax: String(Math.fround(max)), dims: t.dims };
		},
		[row, col, block, SEQ]
	);
}

async function expectReadout(
	page: import('@playwright/test').Page,
	row: number,
	col: number,
	value: string,
	pinned: boolean
): Promise<void> {
	const readout = page.getByTestId('hover-readout');
	await expect(readout).toHaveAttribute('data-row', String(row));
	await expect(readout).toHaveAttribute('data-col', String(col));
	await expect(readout).toHaveAttribute('data-value', value);
	await expect(readout).toHaveAttribute('data-pinned', String(pinned));
}

test('2048 tokens: overview -> zoom -> overview keeps the pinned cell; hover values equal the captured pattern', async ({ page, open }) => {
	test.setTimeout(180_000);
	await open();
	await upload(page, [{ name: 'tiny-ids.onnx', bytes: tinyIdsModel() }]);
	await page.getByTestId('seq-input').fill(String(SEQ));
	await page.getByTestId('seq-input').press('Enter');
	const map = page.getByTestId('attention-heatmap');
	await expect(map).toHaveAttribute('data-rows', String(SEQ), { timeout: 120_000 });
	await expect(map).toHaveAttribute('data-view', 'overview');
	await expect(map).toHaveAttribute('data-pool', 'max');
	const block = Number(await map.getAttribute('data-block'));
	expect(block).toBe(8); // 2048 pooled to 256 blocks a side
	await expect(page.getByTestId('long-note')).toContainText('2048 tokens');

	// Overview hover: the exact cell under the pointer, and its block's max over the captured cells.
	const [r, c] = [1500, 700];
	const want = await captured(page, r, c, block);
	expect(want.dims).toEqual([1, 2, SEQ, SEQ]);
	await hoverCell(page, map, r, c);
	await expectReadout(page, r, c, want.value, false);
	await expect(page.getByTestId('long-block')).toHaveAttribute('data-max', want.blockMax);
	await expect(page.getByTestId('hover-readout')).toContainText('sink');

	// Brush a region around it: the zoom shows exact cells of that region.
	const box = (await map.boundingBox())!;
	const at = (row: number, col: number) => ({ x: box.x + ((col + 0.5) * box.width) / SEQ, y: box.y + ((row + 0.5) * box.height) / SEQ });
	const from = at(r - 40, c - 40);
	const to = at(r + 40, c + 40);
	await page.mouse.move(from.x, from.y);
	await page.mouse.down();
	await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2);
	await page.mouse.move(to.x, to.y);
	await page.mouse.up();
	const zoom = page.getByTestId('attention-zoom');
	await expect(zoom).toBeVisible();
	const row0 = Number(await zoom.getAttribute('data-row0'));
	const col0 = Number(await zoom.getAttribute('data-col0'));
	expect(row0).toBeGreaterThanOrEqual(r - 41);
	expect(row0).toBeLessThanOrEqual(r - 38);
	expect(col0).toBeGreaterThanOrEqual(c - 41);
	expect(col0).toBeLessThanOrEqual(c - 38);

	// Zoom hover and pin: a click pins the exact cell.
	const [pr, pc] = [r + 3, c - 5];
	const pin = await captured(page, pr, pc, block);
	await hoverCell(page, zoom, pr - row0, pc - col0);
	await expectReadout(page, pr, pc, pin.value, false);
	await page.mouse.down();
	await page.mouse.up();
	await expectReadout(page, pr, pc, pin.value, true);

	// Back to the overview: the pin stays (readout and mark), hovering elsewhere does not move it.
	await page.getByTestId('long-overview').click();
	await expect(map).toHaveAttribute('data-view', 'overview');
	await expect(page.getByTestId('attention-mark')).toBeVisible();
	await hoverCell(page, map, 100, 50);
	await expectReadout(page, pr, pc, pin.value, true);

	// By keyboard: + zooms in at the pinned cell, - goes back; the pin survives both.
	await map.focus();
	await page.keyboard.press('+');
	await expect(zoom).toBeVisible();
	const z0 = Number(await zoom.getAttribute('data-row0'));
	const zn = Number(await zoom.getAttribute('data-rows'));
	expect(pr).toBeGreaterThanOrEqual(z0);
	expect(pr).toBeLessThan(z0 + zn);
	await expect(page.getByTestId('attention-mark')).toBeVisible();
	await expectReadout(page, pr, pc, pin.value, true);
	await zoom.focus();
	await page.keyboard.press('-');
	await expect(map).toHaveAttribute('data-view', 'overview');
	await expectReadout(page, pr, pc, pin.value, true);

	// Block mean instead of max: the same view, pooled the other way.
	await page.getByTestId('long-pool-mean').click();
	await expect(map).toHaveAttribute('data-pool', 'mean');
});
