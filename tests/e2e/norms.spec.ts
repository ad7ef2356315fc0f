// Issue 5 on the main page: the norm panel follows the current layer and its bars report the
// numbers the inspect CLI computes for the same model and input; the residual flow has one point
// per layer and sub-layer, hovering one reports the CLI's value, clicking one goes to its layer;
// a selected token is highlighted everywhere; post-norm says which norm it plots.
import { test, expect, waitReady } from './backend';
import { focusPage, hookInfo } from './helpers';
import { cliStats, expectNear, hoverBar, hoverPoint, meanOf } from './norms-cli';

test('norm-stats follows the current layer; bars report the CLI numbers', async ({ page, open, backend }) => {
	await open('layer=0');
	await waitReady(page);
	const info = await hookInfo(page);
	const cli = await cliStats('pre-ln', info.input.text ?? 'the cat sat on the mat');
	const panel = page.getByTestId('norm-stats');
	await expect(panel).toHaveAttribute('data-layer', '0');
	await expect(panel.getByTestId('norm-card')).toHaveCount(2); // LN1, LN2
	await focusPage(page);
	await page.keyboard.press('ArrowRight');
	await expect(panel).toHaveAttribute('data-layer', '1');
	await expect(panel.getByTestId('norm-card').first()).toHaveAttribute('data-input', 'layer0/resid_post');

	const readout = page.getByTestId('hover-readout');
	const card = panel.locator('[data-testid=norm-card][data-index="1"]');
	for (const [stat, t] of [
		['var', 3],
		['mean', 0],
		['scale', 7]
	] as const) {
		await hoverBar(page, card.locator(`[data-testid=norm-chart][data-stat=${stat}]`), t);
		await expect(readout).toHaveAttribute('data-token', String(t));
		await expect(readout).toHaveAttribute('data-series', stat);
		expectNear(await readout.getAttribute('data-value'), cli.layers[1].norms[1][stat]![t], backend, `layer 1 LN2 ${stat}[${t}]`);
	}
	// The last layer adds the final norm.
	await page.getByTestId('layer-slider').fill('3');
	await expect(panel).toHaveAttribute('data-layer', '3');
	await expect(panel.getByTestId('norm-card')).toHaveCount(3);
	const fin = panel.locator('[data-testid=norm-card][data-index="2"]');
	await hoverBar(page, fin.locator('[data-testid=norm-chart][data-stat=var]'), 5);
	await expect(readout).toHaveAttribute('data-token', '5');
	expectNear(await readout.getAttribute('data-value'), cli.final_norm!.var![5], backend, 'final LN var[5]');
});

test('residual flow: a point per layer and sub-layer, hover = CLI, click steps', async ({ page, open, backend }) => {
	await open();
	await waitReady(page);
	const info = await hookInfo(page);
	const cli = await cliStats('pre-ln', info.input.text ?? 'the cat sat on the mat');
	const flow = page.getByTestId('residual-flow');
	await expect(flow).toHaveAttribute('data-layers', '4');
	await expect(flow).toHaveAttribute('data-measured', 'stream');
	const pts = (series: string) => flow.locator(`[data-testid=flow-point][data-series="${series}"]`);
	await expect(pts('stream-mean')).toHaveCount(1 + 2 * 4); // first input, then after attention and after the MLP of each layer
	await expect(pts('attn-ratio')).toHaveCount(4);
	await expect(pts('mlp-ratio')).toHaveCount(4);

	const readout = page.getByTestId('hover-readout');
	for (const [layer, key] of [
		[0, 'pre'],
		[2, 'mid'],
		[3, 'post']
	] as const) {
		const p = pts('stream-mean').and(flow.locator(`[data-layer="${layer}"][data-key="${key}"]`));
		const shown = await hoverPoint(page, p);
		await expect(readout).toHaveAttribute('data-series', 'stream-mean');
		await expect(readout).toHaveAttribute('data-layer', String(layer));
		await expect(readout).not.toHaveAttribute('data-token');
		expect(await readout.getAttribute('data-value')).toBe(shown);
		expectNear(shown, meanOf(cli.layers[layer].resid[key]!), backend, `layer ${layer} ${key} mean norm`);
	}
	// Pre-norm: the stream grows with depth, every block ending larger than it began (inside a block
	// the trained attention may shrink it a little).
	const ends = await pts('stream-mean').evaluateAll((els) =>
		els.filter((e) => e.getAttribute('data-key') !== 'mid').map((e) => Number(e.getAttribute('data-value')))
	);
	expect(ends).toHaveLength(5);
	for (let i = 1; i < ends.length; i++) expect(ends[i], `after block ${i - 1}`).toBeGreaterThan(ends[i - 1]);

	const ratio = pts('mlp-ratio').and(flow.locator('[data-layer="1"]'));
	await hoverPoint(page, ratio);
	await expect(readout).toHaveAttribute('data-series', 'mlp-ratio');
	expectNear(await readout.getAttribute('data-value'), meanOf(cli.layers[1].resid.mlp_ratio!), backend, 'layer 1 mlp ratio');

	// Clicking a point goes to its layer; the chart marks it.
	await pts('stream-mean').and(flow.locator('[data-layer="2"][data-key="mid"]')).click({ force: true });
	await expect(page.getByTestId('layer-current')).toHaveAttribute('data-layer', '2');
	await expect(flow.getByTestId('flow-current').first()).toHaveAttribute('data-layer', '2');
	await expect(page.getByTestId('norm-stats')).toHaveAttribute('data-layer', '2');
});

test('selecting a token highlights it across the panel, the flow and the heatmap', async ({ page, open, backend }) => {
	await open('layer=1');
	await waitReady(page);
	const info = await hookInfo(page);
	const cli = await cliStats('pre-ln', info.input.text ?? 'the cat sat on the mat');
	const panel = page.getByTestId('norm-stats');
	const bars = panel.locator('[data-testid=norm-card][data-index="0"] [data-testid=norm-chart][data-stat=var]');
	await hoverBar(page, bars, 4);
	await page.mouse.down();
	await page.mouse.up();
	await expect(page.getByTestId('token-clear')).toContainText('#4');
	await expect(page.getByTestId('norm-histogram').first()).toContainText('token #4');
	const flow = page.getByTestId('residual-flow');
	const tok = flow.locator('[data-testid=flow-point][data-series="stream-token"]');
	await expect(tok).toHaveCount(9);
	await expect(tok.first()).toHaveAttribute('data-token', '4');
	await hoverPoint(page, tok.and(flow.locator('[data-layer="1"][data-key="post"]')));
	const readout = page.getByTestId('hover-readout');
	await expect(readout).toHaveAttribute('data-token', '4');
	expectNear(await readout.getAttribute('data-value'), cli.layers[1].resid.post![4], backend, 'token 4 post norm');
	await expect(page.getByTestId('token-mark')).toHaveAttribute('data-token', '4'); // in the attention heatmap
	await page.getByTestId('token-clear').click();
	await expect(tok).toHaveCount(0);
	await expect(page.getByTestId('token-mark')).toHaveCount(0);
});

test('post-norm: the flow says it plots after the LN, and can add the sums before it', async ({ page, open, backend }) => {
	await open('model=post-ln');
	await waitReady(page);
	const info = await hookInfo(page);
	const cli = await cliStats('post-ln', info.input.text ?? 'the cat sat on the mat');
	const flow = page.getByTestId('residual-flow');
	await expect(flow).toHaveAttribute('data-measured', 'after-norm');
	await expect(flow.getByTestId('flow-measured')).toContainText('after each LN');
	const before = flow.locator('[data-testid=flow-point][data-series="before-mean"]');
	await expect(before).toHaveCount(0);
	await flow.getByTestId('flow-before-norm').check();
	await expect(before).toHaveCount(8);
	await hoverPoint(page, before.and(flow.locator('[data-layer="2"][data-key="post"]')));
	const readout = page.getByTestId('hover-readout');
	await expect(readout).toContainText('before the LN');
	expectNear(await readout.getAttribute('data-value'), meanOf(cli.layers[2].resid.before_norm!.post!), backend, 'layer 2 sum before LN2');
	// Held by every LN at about its gain ||gamma||, whatever the depth (||gamma * xhat + beta|| with
	// sum(xhat^2) = d; sqrt(64) = 8 at init, learned since).
	const after = await flow
		.locator('[data-testid=flow-point][data-series="stream-mean"]')
		.evaluateAll((els) =>
			els
				.filter((e) => e.getAttribute('data-key') !== 'pre')
				.map((e) => [Number(e.getAttribute('data-layer')), e.getAttribute('data-key'), Number(e.getAttribute('data-value'))] as const)
		);
	expect(after).toHaveLength(8);
	for (const [layer, key, v] of after) {
		const gain = cli.layers[layer].norms[key === 'mid' ? 0 : 1].gamma!.norm;
		expect(Math.abs(v / gain - 1), `layer ${layer} ${key}: ${v} vs ||gamma|| ${gain}`).toBeLessThan(0.12);
	}
});

test('DyT: saturation per token and alpha', async ({ page, open, backend }) => {
	await open('model=dyt&layer=2');
	await waitReady(page);
	const info = await hookInfo(page);
	const cli = await cliStats('dyt', info.input.text ?? 'the cat sat on the mat');
	const card = page.getByTestId('norm-stats').locator('[data-testid=norm-card][data-index="0"]');
	await expect(card).toHaveAttribute('data-kind', 'dyt');
	await expect(card.getByTestId('norm-alpha')).toHaveAttribute('data-value', String(cli.layers[2].norms[0].alpha));
	await hoverBar(page, card.locator('[data-testid=norm-chart][data-stat=saturation]'), 2);
	const readout = page.getByTestId('hover-readout');
	await expect(readout).toHaveAttribute('data-token', '2');
	expectNear(await readout.getAttribute('data-value'), cli.layers[2].norms[0].saturation![2], backend, 'saturation[2]');
});

test('keyboard: norm bars and flow points take focus, arrows move the readout, keys stay in the chart', async ({ page, open }) => {
	await open('layer=0');
	await waitReady(page);
	const readout = page.getByTestId('hover-readout');
	const panel = page.getByTestId('norm-stats');
	const keys = panel.locator('[data-testid=norm-card][data-index="0"] [data-testid=norm-keys]').first();
	const stat = (await keys.getByTestId('norm-chart').getAttribute('data-stat'))!;
	await keys.focus();
	await page.keyboard.press('Home');
	await page.keyboard.press('ArrowRight');
	await expect(readout).toHaveAttribute('data-token', '1');
	await expect(readout).toHaveAttribute('data-series', stat);
	const byKey = await readout.getAttribute('data-value');
	// The page's own ArrowRight (next layer) is not fired from a focused chart.
	await expect(panel).toHaveAttribute('data-layer', '0');
	await page.keyboard.press('Enter');
	await expect(page.getByTestId('token-clear')).toContainText('token #1');
	await hoverBar(page, keys.getByTestId('norm-chart'), 1);
	expect(await readout.getAttribute('data-value')).toBe(byKey);

	const flow = page.getByTestId('residual-flow');
	const ratio = flow.locator('[data-testid=flow-keys]').nth(1);
	await ratio.focus();
	await page.keyboard.press('Home');
	await page.keyboard.press('ArrowRight');
	await expect(readout).toHaveAttribute('data-series', 'attn-ratio');
	await expect(readout).toHaveAttribute('data-layer', '1');
	const shown = await flow.locator('[data-testid=flow-point][data-series="attn-ratio"][data-layer="1"]').getAttribute('data-value');
	expect(await readout.getAttribute('data-value')).toBe(shown);
	await page.keyboard.press('ArrowDown');
	await expect(readout).toHaveAttribute('data-series', 'mlp-ratio');
	await expect(flow.locator('[data-testid=flow-point][data-series="mlp-ratio"]').first()).toHaveAttribute('data-shape', 'open');
	await page.keyboard.press('End');
	await expect(readout).toHaveAttribute('data-layer', '3');
	await page.keyboard.press('Enter');
	await expect(panel).toHaveAttribute('data-layer', '3');
	await expect(page.getByTestId('layer-current')).toHaveAttribute('data-layer', '3');
});
