// Models from files (picker, drop, external data), inputs equal to the CLI's, the tensor panel
// (slices, readout, 10,000 tensors), role overrides, and 1024-token patterns.
import { test, expect, waitReady } from './backend';
import { hookInfo, hookTensor, hoverCell, readCell, upload } from './helpers';
import { chainModel, graphOf, noVocabModel, softmaxOnlyModel, unplacedSoftmaxModel } from './models';
import { tinyAttentionModel } from './tiny-model';
import { externalModel } from '../unit/cli-fixtures';
import { defaultInputs, DEFAULT_TEXT } from '../../src/lib/runtime/inputs';
import { Graph, readModel } from '../../src/lib/onnx';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const MODELS_DIR = process.env.BLOCKSCOPE_MODELS_DIR || 'models';

/** The page's input tensors equal defaultInputs() in Node (what `inspect` feeds) for the same options. */
async function sameInputs(page: import('@playwright/test').Page, graph: Graph) {
	const info = await hookInfo(page);
	const want = defaultInputs(graph, info.input);
	for (const v of graph.inputs) {
		const got = (await hookTensor(page, v.name))!;
		expect(got, `the page captured input ${v.name}`).toBeTruthy();
		expect(got.dims, v.name).toEqual(want[v.name].dims);
		expect(got.data, v.name).toEqual(Array.from(want[v.name].data as ArrayLike<number | bigint>, Number));
	}
	return info.input;
}

test('page and CLI build identical default inputs (text, ids, seeded random, seq)', async ({ page, open }) => {
	await open();
	await waitReady(page);
	const zoo = new Graph(readModel(new Uint8Array(readFileSync(join(MODELS_DIR, 'pre-ln.onnx')))));
	expect((await sameInputs(page, zoo)).text ?? DEFAULT_TEXT).toBe(DEFAULT_TEXT);
	await page.getByTestId('text-input').fill('abc cab');
	await page.getByTestId('text-input').press('Enter');
	await expect(page.getByTestId('attention-heatmap')).toHaveAttribute('data-rows', '7');
	await waitReady(page);
	expect((await sameInputs(page, zoo)).text).toBe('abc cab');

	// Ids without a vocabulary: seeded random by default, a comma list when given.
	const bytes = noVocabModel();
	await upload(page, [{ name: 'novocab.onnx', bytes }]);
	const g = graphOf(bytes);
	await sameInputs(page, g);
	await page.getByTestId('ids-input').fill('3,1,4,1,5');
	await page.getByTestId('ids-input').press('Enter');
	await expect(page.getByTestId('attention-heatmap')).toHaveAttribute('data-rows', '5');
	await waitReady(page);
	expect((await sameInputs(page, g)).ids).toBe('3,1,4,1,5');
	await page.getByTestId('ids-input').fill('');
	await page.getByTestId('seq-input').fill('6');
	await page.getByTestId('seed-input').fill('7');
	await page.getByTestId('seed-input').press('Enter');
	await expect(page.getByTestId('attention-heatmap')).toHaveAttribute('data-rows', '6');
	await waitReady(page);
	expect(await sameInputs(page, g)).toEqual({ seq: 6, seed: 7 });

	// Float inputs: sequence length and seed.
	const soft = softmaxOnlyModel();
	await upload(page, [{ name: 'softmax.onnx', bytes: soft }]);
	await page.getByTestId('seq-input').fill('5');
	await page.getByTestId('seed-input').fill('3');
	await page.getByTestId('seed-input').press('Enter');
	await expect(page.getByTestId('attention-heatmap')).toHaveAttribute('data-rows', '5');
	await waitReady(page);
	expect(await sameInputs(page, graphOf(soft))).toEqual({ seq: 5, seed: 3 });
});

test('uploads a model through model-file and by drag-and-drop', async ({ page, open }) => {
	await open();
	await waitReady(page);
	await upload(page, [{ name: 'tiny.onnx', bytes: tinyAttentionModel() }]);
	const info = await hookInfo(page);
	expect(info.attention).toEqual([{ layer: 0, tensor: 'pattern', masked: true, scores: 'masked_scores', op: 'Softmax', derived: false }]);
	const map = page.getByTestId('attention-heatmap');
	await expect(map).toHaveAttribute('data-rows', String(DEFAULT_TEXT.length));
	await expect(page.getByTestId('model-select')).toContainText('file: tiny.onnx');
	await expect(page).not.toHaveURL(/[?&]model=/);
	// The tiny model is causal too: its masked cells read as masked.
	await readCell(page, map, 1, 4);
	await expect(page.getByTestId('hover-readout')).toHaveAttribute('data-masked', 'true');

	const soft = Array.from(softmaxOnlyModel());
	await page.evaluate((bytes) => {
		const dt = new DataTransfer();
		dt.items.add(new File([new Uint8Array(bytes)], 'dropped.onnx'));
		document.body.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
		document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
	}, soft);
	await page.waitForFunction(() => window.__blockscope?.info().model === 'dropped.onnx');
	await waitReady(page);
	await expect(map).toHaveAttribute('data-tensor', 'pattern');
	expect((await hookInfo(page)).attentionSource).toBe('softmax-heuristic');
});

test('a model with external data: refused alone (naming the file), opened with it', async ({ page, open }) => {
	await open();
	await waitReady(page);
	const ext = externalModel();
	await page
		.getByTestId('model-file')
		.setInputFiles([{ name: 'external.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(ext.model) }]);
	await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'error');
	await expect(page.getByTestId('error')).toContainText(ext.location);
	await upload(page, [
		{ name: 'external.onnx', bytes: ext.model },
		{ name: ext.location, bytes: ext.data }
	]);
	await expect(page.getByTestId('error')).toHaveCount(0);
	const x = (await hookTensor(page, 'x'))!;
	const h = (await hookTensor(page, 'h'))!;
	const w = new Float32Array(ext.data.buffer.slice(ext.data.byteOffset, ext.data.byteOffset + ext.data.byteLength));
	const [, S, D] = x.dims;
	for (let s = 0; s < S; s++)
		for (let j = 0; j < D; j++) {
			let acc = 0;
			for (let k = 0; k < D; k++) acc += x.data[s * D + k] * w[k * D + j];
			expect(Math.abs(h.data[s * D + j] - acc)).toBeLessThan(1e-5);
		}
	await expect(page.getByTestId('no-attention')).toBeVisible();
});

test('tensor panel: hook and ONNX names, any 2-D slice, diverging heatmap, the same readout', async ({ page, open }) => {
	await open();
	await waitReady(page);
	const list = page.getByTestId('tensor-list');
	await page.getByTestId('tensor-scope').selectOption('all');
	const info = await hookInfo(page);
	const total = (await page.evaluate(() => window.__blockscope!.names())).length;
	await expect(page.getByTestId('tensor-count')).toHaveText(`${total} of ${total}`);
	expect(await list.locator('[data-testid=tensor-row]').count()).toBeLessThan(40); // virtualized
	await page.getByTestId('tensor-filter').fill('layer1/q');
	const row = list.locator('[data-name="layer1/q"]');
	await expect(row).toContainText('[1×22×64]');
	await expect(row).toContainText('float32');
	await row.click();
	const heat = page.getByTestId('tensor-heatmap');
	await expect(heat).toHaveAttribute('data-tensor', 'layer1/q');
	await expect(heat).toHaveAttribute('data-rows', String(info.tokens!.length));
	await expect(heat).toHaveAttribute('data-cols', '64');
	const q = (await hookTensor(page, 'layer1/q'))!;
	expect(await readCell(page, heat, 3, 10)).toBe(String(q.data[3 * 64 + 10]));
	await expect(page.getByTestId('hover-readout')).toHaveAttribute('data-source', 'tensor');

	// A 4-D tensor: hold axis 1 (heads) at 2.
	await page.getByTestId('tensor-filter').fill('layer0/pattern');
	await list.locator('[data-name="layer0/pattern"]').click();
	await expect(page.getByTestId('tensor-name')).toHaveText('blocks.0.attn.hook_pattern');
	await page.locator('[data-testid=slice-index][data-axis="1"]').fill('2');
	await page.locator('[data-testid=slice-index][data-axis="1"]').press('Enter');
	await expect(heat).toHaveAttribute('data-slice', '[0, 2, rows, cols]');
	const p = (await hookTensor(page, 'layer0/pattern'))!;
	const S = p.dims[2];
	expect(await readCell(page, heat, 5, 1)).toBe(String(p.data[(2 * S + 5) * S + 1]));

	// Diverging colours: the legend is symmetric around 0.
	const ticks = await page.locator('.legend-axis text').allTextContents();
	expect(ticks.some((t) => t === '0')).toBe(true);
});

test('assigning a role: an unplaced softmax becomes layer 1 attention, and back', async ({ page, open }) => {
	await open();
	await waitReady(page);
	await upload(page, [{ name: 'unplaced.onnx', bytes: unplacedSoftmaxModel() }]);
	expect((await hookInfo(page)).layers).toBe(1);
	await expect(page.getByTestId('layer-next')).toBeDisabled();
	await expect(page.getByTestId('role-panel')).toContainText('recognition could not place');
	await page.getByTestId('tensor-scope').selectOption('all');
	await page.getByTestId('tensor-filter').fill('bias_pattern');
	await page.getByTestId('tensor-list').locator('[data-name="bias_pattern"]').click();
	await page.getByTestId('role-kind').selectOption('attention');
	await page.getByTestId('role-layer').fill('1');
	await page.getByTestId('role-assign').click();
	await page.waitForFunction(() => window.__blockscope!.info().layers === 2);
	await waitReady(page);
	const info = await hookInfo(page);
	expect(info.overrides).toEqual([{ kind: 'attention', pattern: 'bias_pattern', layer: 1 }]);
	// The assignment goes into the URL (a copied link brings it back).
	expect(new URL(page.url()).searchParams.get('roles')).toBe(JSON.stringify([{ kind: 'attention', pattern: 'bias_pattern', layer: 1 }]));
	expect(info.attention.map((a) => [a.layer, a.tensor])).toEqual([
		[0, 'pattern'],
		[1, 'bias_pattern']
	]);
	await page.getByTestId('layer-next').click();
	const map = page.getByTestId('attention-heatmap');
	await expect(map).toHaveAttribute('data-layer', '1');
	await expect(map).toHaveAttribute('data-tensor', 'bias_pattern');
	const bp = (await hookTensor(page, 'bias_pattern'))!;
	expect(await readCell(page, map, 2, 3)).toBe(String(bp.data[2 * bp.dims[3] + 3]));
	await expect(page.getByTestId('hover-readout')).toHaveAttribute('data-masked', 'false');

	await page.getByTestId('role-remove').click();
	await page.waitForFunction(() => window.__blockscope!.info().layers === 1);
	await waitReady(page);
	await expect(page.getByTestId('layer-current')).toHaveAttribute('data-layer', '0');
	await expect(map).toHaveAttribute('data-tensor', 'pattern');
	await expect(page).not.toHaveURL(/[?&]roles=/);
});

test('?roles= reopens role assignments; malformed entries are dropped, unknown tensors noted', async ({ page, open }) => {
	const roles = [
		{ kind: 'ignore', tensor: 'layer3/pattern' },
		{ kind: 'attention', pattern: 'no such tensor', layer: 9 },
		{ kind: 'norm', output: 'x', normKind: '<b>bad</b>' }
	];
	await open(`roles=${encodeURIComponent(JSON.stringify(roles))}`);
	await waitReady(page);
	await page.waitForFunction(() => (window.__blockscope!.info().overrides ?? []).length > 0);
	await waitReady(page);
	const info = await hookInfo(page);
	// The malformed norm (its kind is not one recognition knows) never reaches recognition.
	expect(info.overrides).toEqual(roles.slice(0, 2));
	expect(info.attention.map((a) => a.layer)).toEqual([0, 1, 2]);
	await expect(page.getByTestId('role-panel')).toContainText('the graph has no tensor "no such tensor"');
});

test('10,000 captured tensors: the list stays virtual and responsive', async ({ page, open }) => {
	test.setTimeout(240_000);
	await open();
	await waitReady(page);
	await upload(page, [{ name: 'chain.onnx', bytes: chainModel(10_000) }]);
	const list = page.getByTestId('tensor-list');
	await expect(page.getByTestId('tensor-count')).toHaveText('10001 of 10001');
	expect(await list.locator('[data-testid=tensor-row]').count()).toBeLessThan(40);
	// Scrolling: frames stay short (the median: one slow frame is this shared machine, not the list).
	const frames = await list.evaluate(async (el) => {
		const times: number[] = [];
		for (let i = 0; i < 40; i++) {
			const t0 = performance.now();
			el.scrollTop = (el.scrollHeight * i) / 40;
			el.dispatchEvent(new Event('scroll'));
			await new Promise((r) => requestAnimationFrame(r));
			times.push(performance.now() - t0);
		}
		el.scrollTop = el.scrollHeight;
		el.dispatchEvent(new Event('scroll'));
		return times;
	});
	const median = [...frames].sort((a, b) => a - b)[frames.length >> 1];
	expect(median, `frame times ${frames.map(Math.round).join(',')}`).toBeLessThan(60);
	await expect(list.locator('[data-name="y"]')).toBeVisible();
	const t0 = Date.now();
	await page.getByTestId('tensor-filter').fill('t5000');
	await expect(page.getByTestId('tensor-count')).toHaveText('1 of 10001');
	expect(Date.now() - t0).toBeLessThan(3000);
	await list.locator('[data-name="t5000"]').click();
	await expect(page.getByTestId('tensor-heatmap')).toHaveAttribute('data-tensor', 't5000');
	await list.focus();
	await page.getByTestId('tensor-filter').fill('');
	await list.locator('[data-name="t5000"]').click();
	await page.keyboard.press('ArrowDown');
	await expect(page.getByTestId('tensor-heatmap')).toHaveAttribute('data-tensor', 't5001');
});

test('1024 tokens: the pattern draws, hovering stays smooth and exact', async ({ page, open }) => {
	test.setTimeout(240_000);
	await open();
	await waitReady(page);
	await upload(page, [{ name: 'softmax.onnx', bytes: softmaxOnlyModel() }]);
	await page.getByTestId('seq-input').fill('1024');
	await page.getByTestId('seq-input').press('Enter');
	const map = page.getByTestId('attention-heatmap');
	await expect(map).toHaveAttribute('data-rows', '1024');
	await waitReady(page);
	const box = (await map.boundingBox())!;
	expect(box.x + box.width).toBeLessThanOrEqual(1366);
	for (let i = 0; i < 30; i++) await hoverCell(page, map, (i * 37) % 1024, (i * 91) % 1024);
	// Per move, from the event to the end of its task (Svelte's flush: readout and crosshair
	// written), median over 60 moves: no layout reads, one row's statistics.
	const perMove = await map.evaluate(async (canvas) => {
		const box = canvas.getBoundingClientRect();
		const ch = new MessageChannel();
		const hop = () =>
			new Promise<void>((ok) => {
				ch.port1.onmessage = () => ok();
				ch.port2.postMessage(0);
			});
		const times: number[] = [];
		for (let k = 0; k < 60; k++) {
			const t0 = performance.now();
			canvas.dispatchEvent(
				new PointerEvent('pointermove', {
					clientX: box.left + ((k * 0.37) % 1) * box.width,
					clientY: box.top + ((k * 0.61) % 1) * box.height,
					bubbles: true
				})
			);
			await hop();
			times.push(performance.now() - t0);
		}
		return times.sort((a, b) => a - b)[30];
	});
	expect(perMove, 'median ms per pointer move at 1024 x 1024').toBeLessThan(16);
	const v = await readCell(page, map, 1000, 3);
	const expected = await page.evaluate(() => {
		const t = window.__blockscope!.tensor('pattern')!;
		return String(t.data[1000 * 1024 + 3]);
	});
	expect(v).toBe(expected);
});
