// Issue 5's compare view: `?compare=<zoo id>` opens two models side by side (default pre-LN vs
// post-LN on the same text), stepping moves both, hover is synced, and both residual flows are
// overlaid in one chart where pre-norm's stream grows and post-norm's is held at each LN's gain.
import { test, expect, waitReady } from './backend';
import { focusPage, hookInfo, hoverCell } from './helpers';
import { cliStats, expectNear, hoverPoint, meanOf } from './norms-cli';

test('opens with two models; stepping moves both; the overlay shows growth vs the LN gains', async ({ page, open, backend }) => {
	await open('compare=post-ln');
	await waitReady(page);
	const view = page.getByTestId('compare-view');
	await expect(view).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
	const a = view.locator('[data-testid=compare-model][data-model=a]');
	const b = view.locator('[data-testid=compare-model][data-model=b]');
	await expect(a).toHaveAttribute('data-name', 'pre-ln.onnx');
	await expect(b).toHaveAttribute('data-name', 'post-ln.onnx');
	const maps = view.getByTestId('compare-heatmap');
	await expect(maps).toHaveCount(2);

	// Stepping (buttons and keys) moves both.
	await page.getByTestId('layer-next').click();
	await expect(a.getByTestId('compare-heatmap')).toHaveAttribute('data-layer', '1');
	await expect(b.getByTestId('compare-heatmap')).toHaveAttribute('data-layer', '1');
	await focusPage(page);
	await page.keyboard.press('ArrowRight');
	await page.getByTestId('layer-next').focus(); // Up/Down step heads only with focus in the views
	await page.keyboard.press('ArrowDown');
	for (const m of [a, b]) {
		await expect(m.getByTestId('compare-heatmap')).toHaveAttribute('data-layer', '2');
		await expect(m.getByTestId('compare-heatmap')).toHaveAttribute('data-head', '1');
		await expect(m.getByTestId('flow-current').first()).toHaveAttribute('data-layer', '2');
	}
	await expect(page).toHaveURL(/[?&]compare=post-ln(&|$)/);

	// One chart, both models: one point per layer and sub-layer each, and the sqrt(d) line.
	const overlay = view.getByTestId('compare-flow');
	const pa = overlay.locator('[data-testid=flow-point][data-series="a-stream-mean"]');
	const pb = overlay.locator('[data-testid=flow-point][data-series="b-stream-mean"]');
	await expect(pa).toHaveCount(9);
	await expect(pb).toHaveCount(9);
	await expect(overlay).toContainText('√d_model = 8');
	const va = await pa.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
	const vb = await pb.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
	// Points: the embedding, then (mid, post) per layer. Pre-LN ends every block larger than it began.
	for (let i = 2; i < va.length; i += 2) expect(va[i], `pre-LN after block ${i / 2 - 1} grows`).toBeGreaterThan(va[i - 2]);
	expect(va[va.length - 1]).toBeGreaterThan(4 * va[0]);
	const summary = view.getByTestId('compare-summary');
	expect(Number(await summary.locator('[data-model=a]').getAttribute('data-growth'))).toBeCloseTo(va[va.length - 1] / va[0], 3);
	// The summary's distance from sqrt(d) is the chart's own.
	const off = Math.max(...vb.slice(1).map((v) => Math.abs(v - 8)));
	expect(Number(await summary.locator('[data-model=b]').getAttribute('data-max-off'))).toBeCloseTo(off, 3);

	// Hovering a point of either model reports the CLI's number for that model and input.
	const info = await hookInfo(page);
	const text = info.input.text ?? 'the cat sat on the mat';
	const [ca, cb] = await Promise.all([cliStats('pre-ln', text), cliStats('post-ln', text)]);
	// Post-LN: each point after an LN sits at about that LN's gain ||gamma|| (sqrt(64) = 8 at init, learned since).
	vb.slice(1).forEach((v, i) => {
		const gain = cb.layers[i >> 1].norms[i & 1].gamma!.norm;
		expect(Math.abs(v / gain - 1), `post-LN point ${i + 1}: ${v} vs ||gamma|| ${gain}`).toBeLessThan(0.12);
	});
	const readout = page.getByTestId('hover-readout');
	await hoverPoint(page, pb.and(overlay.locator('[data-layer="3"][data-key="mid"]')));
	await expect(readout).toHaveAttribute('data-model', 'b');
	await expect(readout).toHaveAttribute('data-layer', '3');
	expectNear(await readout.getAttribute('data-value'), meanOf(cb.layers[3].resid.mid!), backend, 'post-ln layer 3 mid');
	await hoverPoint(page, pa.and(overlay.locator('[data-layer="1"][data-key="post"]')));
	await expect(readout).toHaveAttribute('data-model', 'a');
	expectNear(await readout.getAttribute('data-value'), meanOf(ca.layers[1].resid.post!), backend, 'pre-ln layer 1 post');
	// The hovered position is guided in both models' own flow charts too.
	await expect(a.locator('[data-testid=residual-flow] line.guide')).toHaveCount(2); // stream and ratio charts
	await expect(b.locator('[data-testid=residual-flow] line.guide')).toHaveCount(2);

	// Hover on a heatmap is synced: B marks the cell A is hovered at.
	await b.getByTestId('compare-heatmap').scrollIntoViewIfNeeded();
	await hoverCell(page, a.getByTestId('compare-heatmap'), 5, 2);
	await expect(readout).toHaveAttribute('data-model', 'a');
	await expect(readout).toHaveAttribute('data-row', '5');
	await expect(readout).toHaveAttribute('data-col', '2');
	await expect(b.locator('.cross.cell')).toHaveCount(1);
	await hoverCell(page, b.getByTestId('compare-heatmap'), 6, 1);
	await expect(readout).toHaveAttribute('data-model', 'b');
	await expect(a.locator('.cross.cell')).toHaveCount(1);

	// Clicking a point in the overlay goes to its layer, in both.
	await pb.and(overlay.locator('[data-layer="0"][data-key="post"]')).click({ force: true });
	await expect(b.getByTestId('compare-heatmap')).toHaveAttribute('data-layer', '0');
	await expect(a.getByTestId('compare-heatmap')).toHaveAttribute('data-layer', '0');
});

test('any zoo model as B, the same text re-runs both, close returns to the debugger', async ({ page, open }) => {
	await open('model=post-ln&compare=pre-rms-swiglu');
	await waitReady(page);
	const view = page.getByTestId('compare-view');
	await expect(view).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
	const b = view.locator('[data-testid=compare-model][data-model=b]');
	await expect(view.locator('[data-testid=compare-model][data-model=a]')).toHaveAttribute('data-name', 'post-ln.onnx');
	await expect(b).toHaveAttribute('data-name', 'pre-rms-swiglu.onnx');
	await view.getByTestId('compare-select').selectOption('dyt');
	await expect(b).toHaveAttribute('data-name', 'dyt.onnx');
	await expect(view).toHaveAttribute('data-state', 'ready');
	await expect(page).toHaveURL(/[?&]compare=dyt(&|$)/);

	const text = 'sat mat';
	await page.getByTestId('text-input').fill(text);
	await page.getByTestId('text-input').press('Enter');
	for (const m of ['a', 'b'])
		await expect(view.locator(`[data-testid=compare-model][data-model=${m}] [data-testid=compare-heatmap]`)).toHaveAttribute(
			'data-rows',
			String(text.length)
		);
	await expect(view).toHaveAttribute('data-state', 'ready');

	await view.getByTestId('compare-close').click();
	await expect(view).toHaveCount(0);
	await expect(page.getByTestId('attention-heatmap')).toBeVisible();
	await expect(page).not.toHaveURL(/compare=/);
});

test('the main page opens the compare view from the flow panel', async ({ page, open }) => {
	await open();
	await waitReady(page);
	await page.getByTestId('compare-open').selectOption('deepnorm');
	const view = page.getByTestId('compare-view');
	await expect(view).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
	await expect(view.locator('[data-testid=compare-model][data-model=b]')).toHaveAttribute('data-name', 'deepnorm.onnx');
	await expect(page).toHaveURL(/[?&]compare=deepnorm(&|$)/);
});

test("a second text: A's model on 'the cat sat' vs 'the dog sat', the URL reopens it, lengths may differ", async ({ page, open }) => {
	await open(`model=pre-ln&text=${encodeURIComponent('the cat sat')}&compare=@a&text_b=${encodeURIComponent('the dog sat')}`);
	await waitReady(page);
	const view = page.getByTestId('compare-view');
	await expect(view).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
	const a = view.locator('[data-testid=compare-model][data-model=a]');
	const b = view.locator('[data-testid=compare-model][data-model=b]');
	await expect(b).toHaveAttribute('data-name', 'pre-ln.onnx');
	await expect(view.getByTestId('input-b')).toHaveValue('the dog sat');
	await expect(view.getByTestId('input-b')).toHaveAttribute('data-own', 'true');
	await expect(view.getByTestId('compare-status')).toContainText('B runs on its own text');
	const ma = a.getByTestId('compare-heatmap');
	const mb = b.getByTestId('compare-heatmap');
	await expect(mb).toHaveAttribute('data-rows', '11');
	// Causal attention: rows before the changed token (position 4) are the same in both runs; after it they are not.
	const readout = page.getByTestId('hover-readout');
	const cell = async (m: typeof ma, r: number, c: number) => {
		await mb.scrollIntoViewIfNeeded();
		await hoverCell(page, m, r, c);
		await expect(readout).toHaveAttribute('data-row', String(r));
		await expect(readout).toHaveAttribute('data-model', m === ma ? 'a' : 'b');
		return Number(await readout.getAttribute('data-value'));
	};
	expect(await cell(mb, 3, 1)).toBe(await cell(ma, 3, 1));
	expect(await cell(mb, 6, 2)).not.toBe(await cell(ma, 6, 2));

	// B's own text of another length: positions pair up to the shorter, the note says so; the URL follows.
	await view.getByTestId('input-b').fill('the dog sat on it');
	await view.getByTestId('input-b').press('Enter');
	await expect(mb).toHaveAttribute('data-rows', '17', { timeout: 60_000 });
	await expect(ma).toHaveAttribute('data-rows', '11');
	await expect(view.getByTestId('compare-lengths')).toHaveText(
		"A has 11 tokens, B 17: positions 1–11 are compared one to one; B's positions 12–17 have no partner."
	);
	await expect(page).toHaveURL(/[?&]text_b=the(\+|%20)dog(\+|%20)sat(\+|%20)on(\+|%20)it(&|$)/);
	await expect(page).toHaveURL(/[?&]compare=%40a(&|$)/);

	// Same as A: B follows A's text again and the key leaves the URL.
	await view.getByTestId('input-b-same').click();
	await expect(mb).toHaveAttribute('data-rows', '11', { timeout: 60_000 });
	await expect(view.getByTestId('input-b')).toHaveValue('the cat sat');
	await expect(view.getByTestId('compare-lengths')).toHaveCount(0);
	await expect(page).not.toHaveURL(/text_b=/);
});
