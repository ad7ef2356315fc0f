// The debugger on the default zoo model: stepping by buttons, slider and keys; hovering cells and
// comparing the readout with the page's tensor and the oracle; masked cells; pin and Escape; a URL
// that reopens the same view; switching backend; progress; the 1366x768 layout.
import { test, expect, waitReady } from './backend';
import { focusPage, hookInfo, hookTensor, hoverCell, readCell } from './helpers';
import { oracleTensors } from '../../models/zoo/oracle';

test('steps through layers and heads with buttons, slider, keys and thumbnails', async ({ page, open }) => {
	await open();
	await waitReady(page);
	const cur = page.getByTestId('layer-current');
	const map = page.getByTestId('attention-heatmap');
	const info = await hookInfo(page);
	expect(info.layers).toBe(4);
	await expect(cur).toHaveAttribute('data-layer', '0');
	await expect(page.getByTestId('layer-prev')).toBeDisabled();

	await page.getByTestId('layer-next').click();
	await expect(cur).toHaveAttribute('data-layer', '1');
	await expect(map).toHaveAttribute('data-layer', '1');
	await expect(map).toHaveAttribute('data-tensor', info.attention.find((a) => a.layer === 1)!.tensor);

	await focusPage(page);
	await page.keyboard.press('ArrowRight');
	await expect(map).toHaveAttribute('data-layer', '2');
	await page.keyboard.press('ArrowLeft');
	await expect(cur).toHaveAttribute('data-layer', '1');
	// With nothing focused Up/Down scroll the page; with focus in the views they step heads.
	await page.keyboard.press('ArrowDown');
	await expect(map).toHaveAttribute('data-head', '0');
	await page.getByTestId('layer-next').focus();
	await page.keyboard.press('ArrowDown');
	await expect(map).toHaveAttribute('data-head', '1');
	await expect(page.getByTestId('head-select')).toHaveValue('1');
	for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowDown');
	await expect(map).toHaveAttribute('data-head', '3'); // clamped at the last head
	await page.keyboard.press('ArrowUp');
	await expect(map).toHaveAttribute('data-head', '2');

	await page.getByTestId('head-select').selectOption({ value: '0' });
	await expect(map).toHaveAttribute('data-head', '0');
	await page.getByTestId('layer-slider').fill('3');
	await expect(cur).toHaveAttribute('data-layer', '3');
	await expect(page.getByTestId('layer-next')).toBeDisabled();

	// The all-heads grid follows the layer; clicking a head opens it large.
	await expect(page.getByTestId('head-thumb')).toHaveCount(4);
	await page.locator('[data-testid=head-thumb][data-head="2"]').click();
	await expect(map).toHaveAttribute('data-head', '2');
	await expect(map).toHaveAttribute('data-layer', '3');
	await expect(page).toHaveURL(/[?&]layer=3(&|$)/);
	await expect(page).toHaveURL(/[?&]head=2(&|$)/);
});

test('the tensor panel follows the layer', async ({ page, open }) => {
	await open('layer=1');
	await waitReady(page);
	const list = page.getByTestId('tensor-list');
	await page.getByTestId('tensor-filter').fill('resid_mid');
	await expect(page.getByTestId('tensor-count')).toHaveText(/^1 of/); // this layer's only
	await list.locator('[data-name="layer1/resid_mid"]').click();
	await expect(page.getByTestId('tensor-name')).toHaveText('blocks.1.hook_resid_mid');
	await focusPage(page);
	await page.keyboard.press('ArrowRight');
	await expect(page.getByTestId('tensor-name')).toHaveText('blocks.2.hook_resid_mid');
	await expect(page.getByTestId('tensor-heatmap')).toHaveAttribute('data-tensor', 'layer2/resid_mid');
	await expect(list.locator('[data-name="layer2/resid_mid"]')).toBeVisible();
	await expect(list.locator('[data-name="layer1/resid_mid"]')).toHaveCount(0); // list shows layer 2
});

test('hover: data-value is the float32 in the tensor, equals the oracle; masked cells say so', async ({ page, open }) => {
	await open('layer=1&head=2');
	await waitReady(page);
	const map = page.getByTestId('attention-heatmap');
	const info = await hookInfo(page);
	const name = info.attention.find((a) => a.layer === 1)!.tensor;
	const got = (await hookTensor(page, name))!;
	const ids = (await hookTensor(page, 'input_ids'))!;
	const want = oracleTensors('pre-ln', ids.data).get(name)!;
	const [, H, S] = got.dims;
	expect(Number(await map.getAttribute('data-rows'))).toBe(S);
	const readout = page.getByTestId('hover-readout');
	for (const [r, c] of [
		[0, 0],
		[5, 3],
		[S - 1, 0],
		[S - 1, S - 1],
		[7, 7],
		[2, 9],
		[10, 4]
	]) {
		const v = await readCell(page, map, r, c);
		const i = ((0 * H + 2) * S + r) * S + c;
		expect(v, `cell (${r}, ${c})`).toBe(String(got.data[i]));
		expect(Math.abs(Number(v) - want.data64[i]), `|page - oracle| at (${r}, ${c})`).toBeLessThanOrEqual(1e-4);
		const masked = c > r; // the zoo is causal
		await expect(readout).toHaveAttribute('data-masked', String(masked));
		if (masked) {
			expect(Number(v)).toBe(0);
			await expect(readout).toContainText('masked');
		}
	}
	await readCell(page, map, 4, 2);
	await expect(readout).toContainText('row sum');
	await expect(readout).toContainText('entropy');
	await expect(readout).toContainText('argmax');
	await expect(readout).toContainText(`“${info.tokens![4]}”`);
});

test('click pins the readout, Escape unpins', async ({ page, open }) => {
	await open();
	await waitReady(page);
	const map = page.getByTestId('attention-heatmap');
	const readout = page.getByTestId('hover-readout');
	await hoverCell(page, map, 6, 2);
	await page.mouse.down();
	await page.mouse.up();
	await expect(readout).toHaveAttribute('data-pinned', 'true');
	await hoverCell(page, map, 9, 1);
	await page.waitForTimeout(100);
	await expect(readout).toHaveAttribute('data-row', '6');
	await page.keyboard.press('Escape');
	await expect(readout).toHaveAttribute('data-pinned', 'false');
	await hoverCell(page, map, 9, 1);
	await expect(readout).toHaveAttribute('data-row', '9');
});

test('a URL reopens the same view', async ({ page, open, context }) => {
	await open();
	await waitReady(page);
	const text = 'mat sat cat';
	await page.getByTestId('text-input').fill(text);
	await page.getByTestId('text-input').press('Enter');
	const map = page.getByTestId('attention-heatmap');
	await expect(map).toHaveAttribute('data-rows', String(text.length));
	await waitReady(page);
	await focusPage(page);
	await page.keyboard.press('ArrowRight');
	await page.keyboard.press('ArrowRight');
	await page.getByTestId('layer-next').focus();
	await page.keyboard.press('ArrowDown');
	await expect(map).toHaveAttribute('data-head', '1');
	const v = await readCell(page, map, 4, 2);
	await expect(page).toHaveURL(/[?&]text=mat(\+|%20)sat/);
	const url = page.url();

	const again = await context.newPage();
	await again.goto(url);
	await waitReady(again);
	const map2 = again.getByTestId('attention-heatmap');
	await expect(map2).toHaveAttribute('data-layer', '2');
	await expect(map2).toHaveAttribute('data-head', '1');
	await expect(map2).toHaveAttribute('data-rows', String(text.length));
	await expect(again.getByTestId('text-input')).toHaveValue(text);
	await expect(again.getByTestId('model-select')).toHaveValue('pre-ln');
	expect(await readCell(again, map2, 4, 2)).toBe(v);
});

test('keyboard only, from the top of the page: Tab reaches the heatmap (arrows move the cell cursor, the readout follows, Enter pins) and then the charts', async ({
	page,
	open
}) => {
	await open('layer=1&head=2');
	await waitReady(page);
	const map = page.getByTestId('attention-heatmap');
	await expect(map).toHaveAttribute('tabindex', '0');
	await expect(map).toHaveAttribute('aria-label', /Arrow keys move the cell cursor/);
	const name = (await hookInfo(page)).attention.find((a) => a.layer === 1)!.tensor;
	const got = (await hookTensor(page, name))!;
	const [, H, S] = got.dims;
	// Nothing is focused after the load: the first Tab starts at the top of the page.
	expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);
	const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? '');
	let reached = false;
	for (let i = 0; i < 80 && !reached; i++) {
		await page.keyboard.press('Tab');
		reached = (await focused()) === 'attention-heatmap';
	}
	expect(reached, 'Tab reaches the attention heatmap').toBe(true);
	const readout = page.getByTestId('hover-readout');
	await expect(readout).toHaveAttribute('data-row', '0'); // the cursor starts on the first cell
	await expect(readout).toHaveAttribute('data-col', '0');
	for (const key of ['ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowRight', 'ArrowRight']) await page.keyboard.press(key);
	await expect(readout).toHaveAttribute('data-row', '3');
	await expect(readout).toHaveAttribute('data-col', '2');
	expect(await readout.getAttribute('data-value')).toBe(String(got.data[((0 * H + 2) * S + 3) * S + 2]));
	// The arrows moved the cursor, not the layer or head.
	await expect(map).toHaveAttribute('data-layer', '1');
	await expect(map).toHaveAttribute('data-head', '2');
	await page.keyboard.press('Enter');
	await expect(readout).toHaveAttribute('data-pinned', 'true');
	await page.keyboard.press('ArrowUp'); // the pinned cell stays in the readout
	await expect(readout).toHaveAttribute('data-row', '3');
	await page.keyboard.press('Escape');
	await expect(readout).toHaveAttribute('data-pinned', 'false');
	await expect(readout).toHaveAttribute('data-row', '2'); // the cursor's cell again
	await page.keyboard.press('Shift+ArrowDown'); // ten at a time, clamped at the last row
	await expect(readout).toHaveAttribute('data-row', String(Math.min(S - 1, 12)));
	// Tab goes on to the charts: the norm bars, the flow charts and the norm histogram are stops.
	const seen = new Set<string>();
	for (let i = 0; i < 150 && !seen.has('histogram-keys'); i++) {
		await page.keyboard.press('Tab');
		const id = await focused();
		if (id.endsWith('-keys')) seen.add(id);
		if (id === 'norm-keys' && seen.size === 1) {
			await page.keyboard.press('ArrowRight');
			await expect(readout).toHaveAttribute('data-token', '1');
		}
	}
	expect([...seen].sort()).toEqual(['flow-keys', 'histogram-keys', 'norm-keys']);
	await page.keyboard.press('ArrowRight'); // the histogram's bin cursor: its first bin, then the next
	await expect(readout).toHaveAttribute('data-series', 'input');
	const bin1 = await readout.getAttribute('data-value');
	await page.keyboard.press('ArrowDown'); // the same bin of the output
	await expect(readout).toHaveAttribute('data-series', 'output');
	expect(Number(bin1)).toBeGreaterThanOrEqual(0);
	expect(Number(bin1)).toBeLessThanOrEqual(1);
	await expect(map).toHaveAttribute('data-layer', '1'); // the page's keys waited
	await expect(map).toHaveAttribute('data-head', '2');
});

test('ArrowDown on the model menu browses without opening; Enter opens the choice', async ({ page, open }) => {
	await open('layer=1');
	await waitReady(page);
	const select = page.getByTestId('model-select');
	const url = page.url();
	await select.focus();
	await select.press('ArrowDown');
	await expect(select).toHaveValue('post-ln'); // the next zoo entry, shown but not opened
	await page.waitForTimeout(400);
	expect(page.url()).toBe(url);
	expect(await page.evaluate(() => window.__blockscope?.info().model)).toBe('pre-ln.onnx');
	await select.press('Enter');
	await expect(page).toHaveURL(/[?&]model=post-ln/);
	await page.waitForFunction(() => window.__blockscope?.info().model === 'post-ln.onnx');
});

test('another zoo model from the picker; the backend switch re-runs it', async ({ page, open, backend }) => {
	await open('layer=1&head=1');
	await waitReady(page);
	const select = page.getByTestId('model-select');
	const values = await select.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
	expect(values).toContain('post-ln');
	await select.selectOption('post-ln');
	await expect(page).toHaveURL(/[?&]model=post-ln/);
	await page.waitForFunction(() => window.__blockscope?.info().model === 'post-ln.onnx');
	await waitReady(page);
	const map = page.getByTestId('attention-heatmap');
	await expect(map).toHaveAttribute('data-layer', '1');

	const other = backend === 'webgpu' ? 'wasm' : 'webgpu';
	await page.getByTestId('backend-select').selectOption(other);
	await expect(page.getByTestId('status')).toHaveAttribute('data-backend', other);
	await waitReady(page);
	await expect(map).toHaveAttribute('data-layer', '1');
	await expect(map).toHaveAttribute('data-head', '1');
	expect((await hookInfo(page)).model).toBe('post-ln.onnx');
	await expect(page).toHaveURL(new RegExp(`[?&]backend=${other}`));
});

test('progress: bytes read, then the session, then ready', async ({ page, open }) => {
	await page.addInitScript(() => {
		const seen: string[] = [];
		(window as unknown as { __messages: string[] }).__messages = seen;
		new MutationObserver(() => {
			const t = document.querySelector('[data-testid=status-message]')?.textContent ?? '';
			if (t && seen[seen.length - 1] !== t) seen.push(t);
		}).observe(document, { subtree: true, childList: true, characterData: true });
	});
	await open();
	await waitReady(page);
	const seen = await page.evaluate(() => (window as unknown as { __messages: string[] }).__messages);
	expect(
		seen.some((m) => /fetching pre-ln\.onnx: [\d.]+ (B|KiB|MiB)/.test(m)),
		seen.join(' | ')
	).toBe(true);
	expect(
		seen.some((m) => /creating session on (WebGPU|WASM)/.test(m)),
		seen.join(' | ')
	).toBe(true);
	const fetchAt = seen.findIndex((m) => m.startsWith('fetching'));
	const sessionAt = seen.findIndex((m) => m.startsWith('creating session'));
	expect(fetchAt).toBeLessThan(sessionAt);
});

for (const scheme of ['light', 'dark'] as const)
	test(`fits 1366x768 without horizontal scrolling (${scheme})`, async ({ page, open }) => {
		await page.setViewportSize({ width: 1366, height: 768 });
		await page.emulateMedia({ colorScheme: scheme });
		await open();
		await waitReady(page);
		await page.getByTestId('tensor-list').locator('[data-testid=tensor-row]').nth(2).click();
		await expect(page.getByTestId('tensor-heatmap')).toBeVisible();
		const m = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth }));
		expect(m.sw).toBeLessThanOrEqual(m.cw);
		for (const id of ['attention-heatmap', 'hover-readout', 'tensor-list', 'tensor-heatmap', 'layer-next', 'head-select']) {
			const b = (await page.getByTestId(id).boundingBox())!;
			expect(b.x + b.width, `${id} inside the width`).toBeLessThanOrEqual(1366);
		}
		const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
		expect(bg).toBe(scheme === 'dark' ? 'rgb(15, 18, 22)' : 'rgb(255, 255, 255)');
	});

test("a URL also carries the selected token, the pinned cell and the tensor panel's tensor", async ({ page, open, context }) => {
	await open('layer=1&head=2&token=3&pin=4,2&tensor=layer1/q');
	await waitReady(page);
	const map = page.getByTestId('attention-heatmap');
	await expect(map).toHaveAttribute('data-layer', '1');
	await expect(page.getByTestId('token-clear')).toContainText('#3');
	await expect(page.getByTestId('token-mark')).toHaveAttribute('data-token', '3');
	const readout = page.getByTestId('hover-readout');
	await expect(readout).toHaveAttribute('data-pinned', 'true');
	await expect(readout).toHaveAttribute('data-row', '4');
	await expect(readout).toHaveAttribute('data-col', '2');
	// The pinned value is the tensor's: layer 1's pattern, head 2, row 4, column 2.
	const p = (await hookTensor(page, 'layer1/pattern'))!;
	const S = p.dims[2];
	await expect(readout).toHaveAttribute('data-value', String(p.data[(2 * S + 4) * S + 2]));
	await expect(page.getByTestId('tensor-heatmap')).toHaveAttribute('data-tensor', 'layer1/q');

	// Changing them rewrites the URL, and the new URL reopens them.
	await page.getByTestId('token-clear').click();
	await expect(page).not.toHaveURL(/[?&]token=/);
	await focusPage(page);
	await page.keyboard.press('Escape');
	await expect(readout).toHaveAttribute('data-pinned', 'false');
	await expect(page).not.toHaveURL(/[?&]pin=/);
	await hoverCell(page, map, 6, 1);
	await page.mouse.down();
	await page.mouse.up();
	await expect(page).toHaveURL(/[?&]pin=6%2C1(&|$)/);
	const again = await context.newPage();
	await again.goto(page.url());
	await waitReady(again);
	await expect(again.getByTestId('hover-readout')).toHaveAttribute('data-pinned', 'true');
	await expect(again.getByTestId('hover-readout')).toHaveAttribute('data-row', '6');
	await expect(again.getByTestId('token-clear')).toHaveCount(0);
	await expect(again.getByTestId('tensor-heatmap')).toHaveAttribute('data-tensor', 'layer1/q');

	// Out of range (a token or cell past the sequence): ignored, the page opens as usual.
	await again.goto(page.url().replace(/pin=6%2C1/, 'pin=999,1') + '&token=999');
	await waitReady(again);
	await expect(again.getByTestId('hover-readout')).toHaveAttribute('data-pinned', 'false');
	await expect(again.getByTestId('token-clear')).toHaveCount(0);
});
