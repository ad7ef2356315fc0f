// The first page, in Chromium: it reaches "ready" on the project's backend, draws the heatmap,
// and the attention values it holds are a correct softmax of the scores it captured.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Graph, readModel } from '../../src/lib/onnx';
import { isZooId, oracleTensors } from '../../models/zoo/oracle';
import { test, expect, waitReady } from './backend';
import type {} from '../../src/lib/worker/test-hook'; // window.__blockscope

const MODELS_DIR = process.env.BLOCKSCOPE_MODELS_DIR || 'models';

test('reaches ready on the expected backend, and says why it fell back', async ({ page, open, backend, mode }) => {
	await open();
	await waitReady(page);
	const status = page.getByTestId('status');
	await expect(status).toHaveAttribute('data-backend', backend);
	await expect(page.getByTestId('error')).toHaveCount(0);
	const reason = page.getByTestId('fallback-reason');
	if (mode === 'no-webgpu') await expect(reason).toContainText(/WebGPU|navigator\.gpu/);
	else await expect(reason).toHaveCount(0); // preferred or forced: no fallback to explain
});

test('draws the attention heatmap: cells on the canvas, box = cell grid', async ({ page, open }) => {
	await open();
	await waitReady(page);
	const map = page.getByTestId('attention-heatmap');
	await expect(map).toBeVisible();
	const rows = Number(await map.getAttribute('data-rows'));
	const cols = Number(await map.getAttribute('data-cols'));
	expect(await map.getAttribute('data-layer')).toBe('0');
	expect(await map.getAttribute('data-head')).toBe('0');
	const info = await page.evaluate(() => window.__blockscope!.info());
	const pattern = await page.evaluate((n) => window.__blockscope!.tensor(n), info.attention[0].tensor);
	expect(pattern!.dims.slice(-2)).toEqual([rows, cols]);
	expect(rows).toBe(info.tokens!.length);

	// Square cells, and the element's box is the grid itself (axes live outside it).
	const box = (await map.boundingBox())!;
	expect(Math.abs(box.width / cols - box.height / rows)).toBeLessThan(0.01);

	const px = await map.evaluate((el) => {
		const c = el as HTMLCanvasElement;
		const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
		let opaque = 0;
		const colours = new Set<number>();
		for (let i = 0; i < d.length; i += 4) {
			if (d[i + 3] > 0) opaque++;
			colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
		}
		return { opaque, total: d.length / 4, colours: colours.size };
	});
	expect(px.opaque).toBe(px.total); // every cell painted
	expect(px.colours).toBeGreaterThan(4); // and not in one flat colour
});

test('attention values equal a softmax of the captured scores', async ({ page, open }) => {
	await open();
	await waitReady(page);
	const info = await page.evaluate(() => window.__blockscope!.info());
	const graph = new Graph(readModel(new Uint8Array(readFileSync(join(MODELS_DIR, info.model)))));
	for (const { tensor } of info.attention) {
		const softmax = graph.producer.get(tensor)!;
		expect(softmax.opType).toBe('Softmax');
		const [p, s] = await page.evaluate(
			([a, b]) => [window.__blockscope!.tensor(a), window.__blockscope!.tensor(b)],
			[tensor, softmax.inputs[0]]
		);
		expect(p && s, `captured ${tensor} and ${softmax.inputs[0]}`).toBeTruthy();
		expect(p!.dims).toEqual(s!.dims);
		const n = p!.dims[p!.dims.length - 1];
		let worst = 0;
		for (let r = 0; r < p!.data.length / n; r++) {
			const row = s!.data.slice(r * n, (r + 1) * n);
			const m = Math.max(...row);
			const e = row.map((x) => Math.exp(x - m));
			const z = e.reduce((a, b) => a + b, 0);
			let sum = 0;
			for (let c = 0; c < n; c++) {
				worst = Math.max(worst, Math.abs(p!.data[r * n + c] - e[c] / z));
				sum += p!.data[r * n + c];
			}
			expect(Math.abs(sum - 1)).toBeLessThan(1e-4);
		}
		expect(worst, `max |pattern - softmax(scores)| for ${tensor}`).toBeLessThan(1e-5);
	}
});

test('a model that is not in the zoo is a clear error, not a hang', async ({ page, open }) => {
	await open('model=no-such-model');
	const status = page.getByTestId('status');
	await expect(status).toHaveAttribute('data-state', 'error');
	await expect(page.getByTestId('error')).toContainText('No model "no-such-model" in the zoo');
	await expect(page.getByTestId('attention-heatmap')).toHaveCount(0);
});

test('?layer= and ?head= choose the heatmap', async ({ page, open }) => {
	await open('layer=1&head=2');
	await waitReady(page);
	const map = page.getByTestId('attention-heatmap');
	await expect(map).toHaveAttribute('data-layer', '1');
	await expect(map).toHaveAttribute('data-head', '2');
});

test('attention values (and every other tensor) equal the oracle', async ({ page, open }) => {
	await open();
	await waitReady(page);
	const info = await page.evaluate(() => window.__blockscope!.info());
	const zoo: { id: string; file: string }[] = JSON.parse(readFileSync(join(MODELS_DIR, 'index.json'), 'utf8'));
	const id = zoo.find((e) => e.file === info.model)?.id ?? '';
	test.skip(!isZooId(id), `${info.model} is not a zoo model (no oracle)`);
	if (!isZooId(id)) return;
	expect(info.attentionSource, 'the recognizer placed the patterns').toBe('analysis');
	const ids = await page.evaluate(() => window.__blockscope!.tensor('input_ids'));
	expect(ids, 'the page captured input_ids').toBeTruthy();
	const oracle = oracleTensors(id, ids!.data);
	const names = await page.evaluate(() => window.__blockscope!.names());
	const compare = async (name: string) => {
		const want = oracle.get(name)!;
		const got = (await page.evaluate((n) => window.__blockscope!.tensor(n), name))!;
		expect(got.dims, name).toEqual(want.dims);
		let worst = 0;
		for (let i = 0; i < want.data.length; i++) worst = Math.max(worst, Math.abs(got.data[i] - want.data64[i]));
		return worst;
	};
	expect(info.attention.length).toBeGreaterThan(0);
	for (const { tensor } of info.attention) {
		expect(oracle.has(tensor), `the oracle knows ${tensor}`).toBe(true);
		expect(await compare(tensor), `max |page - oracle| for ${tensor}`).toBeLessThanOrEqual(1e-4);
	}
	const others = [...oracle.keys()].filter((n) => names.includes(n));
	expect(others.length).toBeGreaterThan(info.attention.length);
	const off: string[] = [];
	for (const name of others) {
		const d = await compare(name);
		// Relative to the tensor's scale: logits and the un-normalized residual stream are large.
		const scale = Math.max(1, ...oracle.get(name)!.data64.map(Math.abs));
		if (d > 1e-4 * scale) off.push(`${name}: ${d}`);
	}
	expect(off, 'tensors that differ from the oracle').toEqual([]);
});

test('?capture=semantic runs the semantic set and still draws the pattern', async ({ page, open }) => {
	await open('capture=semantic');
	await waitReady(page);
	const info = await page.evaluate(() => window.__blockscope!.info());
	expect(info.captureSet).toBe('semantic');
	// A small model's bytes stay in the worker (no re-read for a new session); nothing is left out.
	expect(info.capture).toMatchObject({ modelBytesKept: true, skippedOutputs: [] });
	await expect(page.getByTestId('status')).toContainText('capture: semantic');
	const names = await page.evaluate(() => window.__blockscope!.names());
	expect(names).toContain(info.attention[0].tensor);
	await expect(page.getByTestId('attention-heatmap')).toBeVisible();
});

test('new text re-runs the open session and redraws', async ({ page, open }) => {
	await open();
	await waitReady(page);
	const map = page.getByTestId('attention-heatmap');
	const text = 'abcab';
	await page.getByTestId('text-input').fill(text);
	await page.getByTestId('text-input').press('Enter');
	await expect(map).toHaveAttribute('data-rows', String(text.length));
	await waitReady(page);
	await expect(page.getByTestId('status')).toContainText('on the open session');
	const info = await page.evaluate(() => window.__blockscope!.info());
	expect(info.tokens).toEqual([...text]);
	const ids = (await page.evaluate(() => window.__blockscope!.tensor('input_ids')))!;
	expect(ids.dims).toEqual([1, text.length]);
	const zoo: { id: string; file: string }[] = JSON.parse(readFileSync(join(MODELS_DIR, 'index.json'), 'utf8'));
	const id = zoo.find((e) => e.file === info.model)?.id ?? '';
	if (!isZooId(id)) return;
	const want = oracleTensors(id, ids.data).get(info.attention[0].tensor)!;
	const got = (await page.evaluate((n) => window.__blockscope!.tensor(n), info.attention[0].tensor))!;
	expect(got.dims).toEqual(want.dims);
	expect(Math.max(...got.data.map((v, i) => Math.abs(v - want.data64[i])))).toBeLessThanOrEqual(1e-4);
});
