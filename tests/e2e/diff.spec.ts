// Issue 6's backend diff on the page: WebGPU (SwiftShader in Chromium) vs WASM, tensor by tensor.
// Every healthy zoo variant agrees within the default tolerance (webgpu project only: one test
// per variant; the broken member agrees up to its first non-finite tensor); a test-only perturbation of one WebGPU tensor (?perturb=INDEX,DELTA,TENSOR) is the
// first divergent row and reads back in the heatmap; without WebGPU the view says so plainly.
import { readFileSync } from 'node:fs';
import { test, expect, waitReady } from './backend';
import { hookInfo, hoverCell } from './helpers';
import { Graph, readModel } from '../../src/lib/onnx';
import { analyze } from '../../src/lib/analysis';
import { defaultInputs, tokenInput } from '../../src/lib/runtime/inputs';

const zoo: { id: string; file: string; first_nonfinite?: { all: string } }[] = JSON.parse(readFileSync('models/index.json', 'utf8'));

async function waitDiff(page: import('@playwright/test').Page): Promise<void> {
	await waitReady(page);
	const view = page.getByTestId('diff-view');
	await expect(view).toHaveAttribute('data-state', /^(ready|unavailable|error)$/, { timeout: 90_000 });
	const err = page.getByTestId('diff-error');
	if (await err.count()) throw new Error(`The diff view reported: ${await err.textContent()}`);
}

for (const entry of zoo) {
	test(`backend diff: ${entry.id} agrees on WebGPU and WASM within the default tolerance${entry.first_nonfinite ? ' (up to its first non-finite tensor)' : ''}`, async ({
		page,
		open,
		mode
	}) => {
		test.skip(mode !== 'webgpu', 'SwiftShader WebGPU vs WASM once, in the webgpu project');
		if (entry.id === 'pre-ln') {
			// The toolbar button opens it (and puts ?diff=1 in the URL).
			await open(`model=${entry.id}`);
			await waitReady(page);
			await page.getByTestId('diff-open').click();
			await expect(page).toHaveURL(/[?&]diff=1(&|$)/);
		} else await open(`model=${entry.id}&diff=1`);
		await waitDiff(page);
		const view = page.getByTestId('diff-view');
		await expect(view).toHaveAttribute('data-state', 'ready');
		const info = await hookInfo(page);
		if (entry.id === 'pre-rms-swiglu') {
			// ONNX RMSNormalization has no WebGPU kernel in ORT-web 1.30: the page runs WASM and names
			// the op; the diff's other run is WebGPU forced (ORT places that one op on the CPU).
			expect(info.backend).toBe('wasm');
			await expect(page.getByTestId('fallback-reason')).toContainText('WebGPU has no kernel for RMSNormalization');
			await expect(page.getByTestId('diff-view')).toContainText('WebGPU');
		} else expect(info.backend).toBe('webgpu');

		const table = page.getByTestId('backend-diff');
		const rows = table.getByTestId('diff-row');
		await expect(rows).toHaveCount(await page.evaluate(() => window.__blockscope!.names().length));
		const all = await rows.evaluateAll((trs) =>
			trs.map((tr) => ({
				tensor: tr.getAttribute('data-tensor'),
				over: tr.getAttribute('data-over-tolerance'),
				max: Number(tr.getAttribute('data-max-abs')),
				status: tr.getAttribute('data-status')
			}))
		);
		// Graph order: the page's own tensor order.
		expect(all.map((r) => r.tensor)).toEqual(await page.evaluate(() => window.__blockscope!.names()));
		expect(all.every((r) => r.status === 'compared')).toBe(true);
		if (entry.first_nonfinite) {
			// A broken member: everything before its first non-finite tensor agrees; after it the two
			// backends may differ only in where the non-finite values are (WebGPU's Softmax turns
			// layer 3's NaN rows into zeros where WASM keeps NaN), never in a finite value.
			const at = all.findIndex((r) => r.tensor === entry.first_nonfinite!.all);
			expect(at).toBeGreaterThan(0);
			expect(all.slice(0, at).filter((r) => r.over !== 'false')).toEqual([]);
			for (const r of all.slice(at))
				if (r.over !== 'false') expect(r.max, `${r.tensor}: only non-finite-on-one-side differences`).toBe(Infinity);
			const first = await table.getAttribute('data-first');
			if (first) expect(all.findIndex((r) => r.tensor === first)).toBeGreaterThanOrEqual(at);
			return;
		}
		const over = all.filter((r) => r.over !== 'false');
		expect(over, `rows over tolerance on ${entry.id}`).toEqual([]);
		await expect(table.locator('[data-first=true]')).toHaveCount(0);
		await expect(table).toHaveAttribute('data-first', '');
		await expect(view).toHaveAttribute('data-over', '0');
		await expect(page.getByTestId('diff-summary')).toContainText('all under tolerance');
		if (entry.id === 'pre-ln') {
			await page.getByTestId('diff-close').click();
			await expect(page.getByTestId('diff-view')).toHaveCount(0);
			await expect(page).not.toHaveURL(/[?&]diff=1/);
		}
	});
}

/** Layer 1's attention pattern of pre-ln and the flat index of (batch 0, head 1, query 3, key 2). */
function target(): { tensor: string; index: number; heads: number; seq: number } {
	const graph = new Graph(readModel(new Uint8Array(readFileSync('models/pre-ln.onnx'))));
	const s = analyze(graph);
	const tensor = s.layers[1].attention!.pattern;
	const feeds = defaultInputs(graph, {});
	const seq = feeds[tokenInput(graph)!.name].dims[1];
	const heads = 4; // checked against the page below
	return { tensor, index: ((0 * heads + 1) * seq + 3) * seq + 2, heads, seq };
}

test('backend diff: a perturbed WebGPU tensor is the first divergent row, and the heatmap shows it', async ({ page, open, mode }) => {
	test.skip(mode === 'no-webgpu', 'needs both backends');
	const t = target();
	const delta = 0.25;
	await open(`model=pre-ln&diff=1&perturb=${encodeURIComponent(`${t.index},${delta},${t.tensor}`)}`);
	await waitDiff(page);
	const view = page.getByTestId('diff-view');
	await expect(view).toHaveAttribute('data-state', 'ready');
	await expect(view).toHaveAttribute('data-perturbed', t.tensor);
	const pattern = await page.evaluate((n) => window.__blockscope!.tensor(n), t.tensor);
	expect(pattern!.dims).toEqual([1, t.heads, t.seq, t.seq]);

	const table = page.getByTestId('backend-diff');
	await expect(table).toHaveAttribute('data-first', t.tensor);
	await expect(view).toHaveAttribute('data-first', t.tensor);
	const first = table.locator('[data-testid=diff-row][data-first=true]');
	await expect(first).toHaveCount(1);
	await expect(first).toHaveAttribute('data-tensor', t.tensor);
	await expect(first).toHaveAttribute('data-over-tolerance', 'true');
	await expect(first).toHaveAttribute('data-over', '1');
	await expect(first).toHaveAttribute('data-token', '3'); // the query row of the pattern
	expect(Math.abs(Number(await first.getAttribute('data-max-abs')) - delta)).toBeLessThan(1e-3);
	// Everything else (before and after it) is under tolerance: the perturbation touched one tensor.
	await expect(table.locator('[data-testid=diff-row][data-over-tolerance=true]')).toHaveCount(1);
	// The verdict is text beside the colour: the divergent row says over, a compared row within.
	await expect(first.getByTestId('diff-verdict')).toHaveText('✕ over');
	await expect(first.getByTestId('diff-verdict')).toHaveAttribute('data-verdict', 'over');
	const within = table.locator('[data-testid=diff-row][data-status=compared][data-over-tolerance=false]').first();
	await expect(within.getByTestId('diff-verdict')).toHaveText('✓ within');
	await expect(page.getByTestId('diff-summary')).toContainText('divergence starts');

	// Click: the difference as a heatmap at batch 0, head 1 (where the max is); hover the cell.
	await first.click();
	const map = page.getByTestId('diff-heatmap');
	await expect(map).toHaveAttribute('data-tensor', t.tensor);
	await expect(map).toHaveAttribute('data-lead', '0,1');
	await expect(map).toHaveAttribute('data-rows', String(t.seq));
	await hoverCell(page, map, 3, 2);
	const readout = page.getByTestId('diff-readout');
	await expect(readout).toHaveAttribute('data-row', '3');
	await expect(readout).toHaveAttribute('data-col', '2');
	await expect(readout).toHaveAttribute('data-index', '0,1,3,2');
	await expect(readout).toHaveAttribute('data-over-tolerance', 'true');
	expect(Math.abs(Number(await readout.getAttribute('data-value')) - delta)).toBeLessThan(1e-3);
	const a = Number(await readout.getAttribute('data-a'));
	const b = Number(await readout.getAttribute('data-b'));
	expect(Math.abs(a - b - delta)).toBeLessThan(1e-3);
	// Another cell: no difference beyond the backends' rounding.
	await hoverCell(page, map, 3, 1);
	await expect(readout).toHaveAttribute('data-col', '1');
	await expect(readout).toHaveAttribute('data-over-tolerance', 'false');

	// A tolerance above the perturbation: nothing diverges any more.
	await page.getByTestId('diff-tolerance').fill('0.5');
	await expect(table).toHaveAttribute('data-tolerance', '0.5');
	await expect(table).toHaveAttribute('data-first', '');
	await expect(table.locator('[data-first=true]')).toHaveCount(0);
});

test('backend diff without WebGPU: says WebGPU is unavailable (the page fell back to WASM)', async ({ page, open, mode }) => {
	test.skip(mode !== 'no-webgpu', 'a browser without WebGPU');
	await open('model=pre-ln&diff=1');
	await waitDiff(page);
	const view = page.getByTestId('diff-view');
	await expect(view).toHaveAttribute('data-state', 'unavailable');
	await expect(page.getByTestId('diff-unavailable')).toContainText('WebGPU unavailable');
	await expect(page.getByTestId('backend-diff')).toHaveCount(0);
	expect((await hookInfo(page)).backend).toBe('wasm');
});

test("input diff: B's own text on the page's backend; the first divergent row is at the changed token; other lengths are refused", async ({
	page,
	open
}) => {
	await open(`model=pre-ln&text=${encodeURIComponent('the cat sat')}&diff=1&text_b=${encodeURIComponent('the dog sat')}`);
	await waitDiff(page);
	const view = page.getByTestId('diff-view');
	await expect(view).toHaveAttribute('data-state', 'ready');
	await expect(view.locator('h2')).toHaveText("Input diff: A's input vs B's, same backend");
	await expect(page.getByTestId('diff-summary')).toContainText('A − B on');
	const first = page.locator('[data-testid=diff-row][data-first=true]');
	await expect(first).toHaveCount(1);
	// Nothing before position 4 ("d" for "c") can change in a causal model: every row's largest change is at or after it.
	const tokens = await page
		.locator('[data-testid=diff-row][data-token]')
		.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-token'))));
	expect(tokens.length).toBeGreaterThan(3);
	expect(Math.min(...tokens)).toBeGreaterThanOrEqual(4);
	// float32 weights: every row at the base tolerance.
	await expect(first).toHaveAttribute('data-row-tolerance', '0.0001');
	await expect(page.getByTestId('diff-precision')).toHaveCount(0);

	await page.getByTestId('input-b').fill('the dog sat on it');
	await page.getByTestId('input-b').press('Enter');
	await expect(view).toHaveAttribute('data-state', 'error', { timeout: 60_000 });
	await expect(page.getByTestId('diff-error')).toContainText(
		"A's input has 11 tokens and B's 17: the diff compares every tensor element by element, so both inputs need the same number of tokens."
	);
	await expect(page).toHaveURL(/[?&]text_b=/);
	await page.getByTestId('input-b').fill('the dog ate');
	await page.getByTestId('input-b').press('Enter');
	await expect(view).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
});
