// Issue 9 in Chromium: figures (PNG at 1x/2x, SVG), tensors (.npy, .npz) and view links (copy-link)
// leave the page as real downloads / clipboard text, and parse as what they claim to be.
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Download, Locator, Page } from '@playwright/test';
import { test, expect, waitReady } from './backend';
import { hookInfo, hookTensor, upload } from './helpers';
import { tinyAttentionModel } from './tiny-model';
import { softmaxOnlyModel } from './models';
import { analyze } from '../../src/lib/analysis';
import { inspectModel } from '../../src/cli/run';
import { decodeNpy } from '../../src/lib/formats';
import { npzManifest, readNpz } from '../../src/lib/formats';
import type { TensorData } from '../../src/lib/tensor/store';
import { pngSize, pngText } from '../../src/lib/formats';
import { axisLabel } from '../../src/lib/viz/labels';

const PAD = 8; // src/lib/viz/figure/export.ts
const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

async function download(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Uint8Array; dl: Download }> {
	const [dl] = await Promise.all([page.waitForEvent('download'), click()]);
	const path = await dl.path();
	return { name: dl.suggestedFilename(), bytes: new Uint8Array(readFileSync(path!)), dl };
}

/** Opens a figure's export menu and takes one of its downloads. */
function exportFigure(page: Page, fig: Locator, kind: 'png' | 'svg', scale = 1) {
	return download(page, async () => {
		await fig.getByTestId('export-menu').first().click();
		const item =
			kind === 'svg' ? fig.getByTestId('export-svg').first() : fig.locator(`[data-testid="export-png"][data-scale="${scale}"]`).first();
		await item.click();
	});
}

/** The SVG parsed by the browser's XML parser: parse errors, every <text>, the cells' rects and image. */
function parseSvg(page: Page, svg: string) {
	return page.evaluate((src) => {
		const doc = new DOMParser().parseFromString(src, 'image/svg+xml');
		const err = doc.querySelector('parsererror');
		const root = doc.documentElement;
		const cells = doc.querySelector('.cells');
		return {
			error: err ? err.textContent : null,
			root: root.nodeName,
			width: Number(root.getAttribute('width')),
			height: Number(root.getAttribute('height')),
			texts: [...doc.querySelectorAll('text')].map((t) => t.textContent ?? ''),
			title: doc.querySelector('title')?.textContent ?? '',
			caption: [...doc.querySelectorAll('.caption text')].map((t) => t.textContent).join(' '),
			cells: cells
				? {
						tag: cells.nodeName,
						rows: Number(cells.getAttribute('data-rows')),
						rects: cells.querySelectorAll('rect').length,
						first: cells.querySelector('rect')?.getAttribute('fill') ?? null,
						href: (cells.getAttribute('href') ?? '').slice(0, 22)
					}
				: null,
			scripts: doc.querySelectorAll('script, foreignObject').length
		};
	}, svg);
}

/** RGBA at (x, y) of a PNG, and how many pixels in a box differ from the background, decoded by the browser. */
function pngPixels(page: Page, bytes: Uint8Array, probes: { x: number; y: number }[], box: { x: number; y: number; w: number; h: number }) {
	return page.evaluate(
		async ({ b64, probes, box }) => {
			const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
			const bmp = await createImageBitmap(new Blob([bin], { type: 'image/png' }));
			const c = new OffscreenCanvas(bmp.width, bmp.height);
			const g = c.getContext('2d')!;
			g.drawImage(bmp, 0, 0);
			const px = (x: number, y: number) => [...g.getImageData(x, y, 1, 1).data];
			const bg = px(1, 1);
			const area = g.getImageData(box.x, box.y, box.w, box.h).data;
			let ink = 0;
			for (let i = 0; i < area.length; i += 4)
				if (Math.abs(area[i] - bg[0]) + Math.abs(area[i + 1] - bg[1]) + Math.abs(area[i + 2] - bg[2]) > 60) ink++;
			return { bg, probes: probes.map((p) => px(p.x, p.y)), ink };
		},
		{ b64: Buffer.from(bytes).toString('base64'), probes, box }
	);
}

/** The heatmap's own colour at the centre of cell (r, c), read from its canvas. */
function canvasCell(map: Locator, r: number, c: number): Promise<number[]> {
	return map.evaluate(
		(el, [r, c]) => {
			const cv = el as HTMLCanvasElement;
			const rows = Number(cv.dataset.rows);
			const cols = Number(cv.dataset.cols);
			const x = Math.floor(((c + 0.5) * cv.width) / cols);
			const y = Math.floor(((r + 0.5) * cv.height) / rows);
			return [...cv.getContext('2d')!.getImageData(x, y, 1, 1).data];
		},
		[r, c] as const
	);
}

const close = (a: number[], b: number[], tol = 6) => a.slice(0, 3).every((v, i) => Math.abs(v - b[i]) <= tol);

test('attention heatmap: PNG at 1x and 2x with cells, axes, legend and caption', async ({ page, open, backend }) => {
	await open('model=pre-ln&layer=1&head=1&text=the cat sat on the mat');
	await waitReady(page);
	const fig = page.getByTestId('attention-figure');
	const map = page.getByTestId('attention-heatmap');
	const figBox = (await fig.boundingBox())!;
	const mapBox = (await map.boundingBox())!;

	const one = await exportFigure(page, fig, 'png', 1);
	expect(one.name).toMatch(/^pre-ln-attention-L1-H1\.png$/);
	expect([...one.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	const s1 = pngSize(one.bytes)!;
	expect(s1.width).toBe(Math.ceil(figBox.width) + 2 * PAD);
	expect(s1.height).toBeGreaterThan(Math.ceil(figBox.height) + 2 * PAD); // + the caption lines
	const title = pngText(one.bytes).Title;
	expect(title).toContain('pre-ln · layer 2 · head 2 · ' + (backend === 'webgpu' ? 'WebGPU' : 'WASM'));
	expect(title).toContain('the cat sat on the mat');

	const two = await exportFigure(page, fig, 'png', 2);
	expect(two.name).toBe('pre-ln-attention-L1-H1-2x.png');
	expect(pngSize(two.bytes)).toEqual({ width: 2 * s1.width, height: 2 * s1.height });

	// The cells are the heatmap's colours, where the heatmap sits; the axes (left of the grid) and
	// the legend (under it) are drawn in, not just the canvas.
	const rows = Number(await map.getAttribute('data-rows'));
	const cols = Number(await map.getAttribute('data-cols'));
	const gx = mapBox.x - figBox.x + PAD;
	const gy = mapBox.y - figBox.y + PAD;
	const cw = mapBox.width / cols;
	const ch = mapBox.height / rows;
	for (const [scale, png] of [
		[1, one.bytes],
		[2, two.bytes]
	] as const) {
		const cells = [
			[0, 0],
			[rows - 1, 0],
			[rows - 1, cols - 1],
			[2, 1]
		] as const;
		const px = await pngPixels(
			page,
			png,
			cells.map(([r, c]) => ({ x: Math.floor((gx + (c + 0.5) * cw) * scale), y: Math.floor((gy + (r + 0.5) * ch) * scale) })),
			{ x: PAD * scale, y: Math.floor(gy * scale), w: Math.floor((gx - PAD - 2) * scale), h: Math.floor(mapBox.height * scale) }
		);
		for (const [i, [r, c]] of cells.entries())
			expect(close(px.probes[i], await canvasCell(map, r, c)), `cell ${r},${c} at ${scale}x`).toBe(true);
		expect(px.ink, `query labels left of the grid at ${scale}x`).toBeGreaterThan(20 * scale * scale);
		const legend = await pngPixels(page, png, [], {
			x: Math.floor(gx * scale),
			y: Math.floor((gy + mapBox.height + 14) * scale),
			w: Math.floor(Math.min(120, mapBox.width) * scale),
			h: Math.floor(30 * scale)
		});
		expect(legend.ink, `legend under the grid at ${scale}x`).toBeGreaterThan(100 * scale * scale);
	}
});

test('attention heatmap: SVG parses, with token labels, axis titles, legend, vector cells and caption', async ({ page, open }) => {
	await open('model=pre-ln&layer=0&head=0&text=the cat sat');
	await waitReady(page);
	const fig = page.getByTestId('attention-figure');
	const map = page.getByTestId('attention-heatmap');
	const svg = await exportFigure(page, fig, 'svg');
	expect(svg.name).toBe('pre-ln-attention-L0-H0.svg');
	const text = new TextDecoder().decode(svg.bytes);
	expect(text.startsWith('<svg')).toBe(true);
	const doc = await parseSvg(page, text);
	expect(doc.error).toBeNull();
	expect(doc.root).toBe('svg');
	expect(doc.scripts).toBe(0);
	const info = await hookInfo(page);
	const tokens = info.tokens!;
	for (const [i, t] of tokens.entries()) expect(doc.texts, `token ${i}`).toContain(axisLabel(i, t));
	for (const w of ['key', 'query', 'weight (fixed 0 to 1)', 'masked', '0.0', '1.0']) expect(doc.texts).toContain(w);
	expect(doc.texts.join(' ')).toContain('Attention · layer 1 · head 1');
	expect(doc.caption).toContain('pre-ln · layer 1 · head 1');
	expect(doc.caption).toContain('the cat sat');
	expect(doc.title).toContain('the cat sat');
	// A small grid goes out as rects (one per run of equal colour), in the heatmap's colours.
	expect(doc.cells?.tag).toBe('g');
	expect(doc.cells?.rows).toBe(tokens.length);
	expect(doc.cells!.rects).toBeGreaterThanOrEqual(tokens.length);
	const [r, g, b] = await canvasCell(map, 0, 0);
	const fill = doc.cells!.first!;
	expect(close([parseInt(fill.slice(1, 3), 16), parseInt(fill.slice(3, 5), 16), parseInt(fill.slice(5, 7), 16)], [r, g, b], 2)).toBe(true);
});

test('a large heatmap goes into the SVG as one embedded image of one pixel per cell', async ({ page, open }) => {
	await open();
	await waitReady(page);
	await upload(page, [{ name: 'softmax.onnx', bytes: softmaxOnlyModel() }]);
	await page.getByTestId('seq-input').fill('160');
	await page.getByTestId('seq-input').press('Enter');
	const fig = page.getByTestId('attention-figure');
	await expect(page.getByTestId('attention-heatmap')).toHaveAttribute('data-rows', '160');
	await waitReady(page);
	const doc = await parseSvg(page, new TextDecoder().decode((await exportFigure(page, fig, 'svg')).bytes));
	expect(doc.error).toBeNull();
	expect(doc.cells).toEqual({ tag: 'image', rows: 160, rects: 0, first: null, href: 'data:image/png;base64,' });
	expect(doc.texts).toContain('query');
	const one = pngSize((await exportFigure(page, fig, 'png', 1)).bytes)!;
	expect(pngSize((await exportFigure(page, fig, 'png', 2)).bytes)).toEqual({ width: 2 * one.width, height: 2 * one.height });
});

test('every chart, the head grid and the tensor view have the same export menu', async ({ page, open }) => {
	await open('model=pre-ln');
	await waitReady(page);
	const charts = page.locator('figure.chart');
	expect(await charts.count()).toBeGreaterThan(2);
	for (const i of [0, (await charts.count()) - 1]) {
		const fig = charts.nth(i);
		await fig.scrollIntoViewIfNeeded();
		const svg = await exportFigure(page, fig, 'svg');
		const doc = await parseSvg(page, new TextDecoder().decode(svg.bytes));
		expect(doc.error).toBeNull();
		expect(doc.caption).toContain('pre-ln');
		// Every tick label and axis title the page draws is vector text in the file.
		const drawn = (await fig.locator('svg text').allTextContents()).map((t) => t.trim()).filter(Boolean);
		expect(drawn.length).toBeGreaterThan(5);
		for (const t of drawn) expect(doc.texts.map((x) => x.trim())).toContain(t);
		const png = await exportFigure(page, fig, 'png', 2);
		const size = pngSize(png.bytes)!;
		const box = (await fig.boundingBox())!;
		expect(size.width).toBe(2 * (Math.ceil(box.width) + 2 * PAD));
	}
	const flow = page.getByTestId('flow-chart').first();
	const flowSvg = await parseSvg(page, new TextDecoder().decode((await exportFigure(page, flow, 'svg')).bytes));
	expect(flowSvg.texts).toContain('layer');

	const heads = page.getByTestId('heads-figure');
	const hs = await exportFigure(page, heads, 'svg');
	const hdoc = await parseSvg(page, new TextDecoder().decode(hs.bytes));
	expect(hdoc.error).toBeNull();
	expect(hdoc.texts.join(' ')).toContain('All heads');
	expect(hdoc.cells).not.toBeNull();

	await page.getByTestId('tensor-row').first().click();
	const tv = page.getByTestId('tensor-figure');
	const ts = await exportFigure(page, tv, 'svg');
	const tdoc = await parseSvg(page, new TextDecoder().decode(ts.bytes));
	expect(tdoc.error).toBeNull();
	expect(tdoc.texts).toContain('centred at 0');
	expect(tdoc.cells).not.toBeNull();
	expect(pngSize((await exportFigure(page, tv, 'png', 1)).bytes)).not.toBeNull();
});

function bytesOf(d: TensorData): Uint8Array {
	return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

test('.npy of the selected tensor decodes to its values (float32 and int64, dims kept)', async ({ page, open }) => {
	await open('model=pre-ln&text=the cat sat');
	await waitReady(page);
	await expect(page.getByTestId('export-npy')).toBeDisabled(); // nothing selected yet
	const row = page.getByTestId('tensor-row').first();
	const name = (await row.getAttribute('data-name'))!;
	await row.click();
	const f = await download(page, () => page.getByTestId('export-npy').click());
	expect(f.name).toMatch(/^pre-ln-.+\.npy$/);
	const a = decodeNpy(f.bytes);
	const want = (await hookTensor(page, name))!;
	expect(a.dtype).toBe('float32');
	expect(a.dims).toEqual(want.dims);
	expect(Array.from(a.data as Float32Array)).toEqual(want.data);

	// The token ids: int64, from "all layers".
	const info = await hookInfo(page);
	await page.getByTestId('tensor-scope').selectOption('all');
	const idName = await page.evaluate(() => window.__blockscope!.names().find((n) => window.__blockscope!.tensor(n)!.dtype === 'int64')!);
	await page.getByTestId('tensor-filter').fill(idName);
	await page.locator(`[data-testid="tensor-row"][data-name="${idName}"]`).click();
	const g = await download(page, () => page.getByTestId('export-npy').click());
	const b = decodeNpy(g.bytes);
	expect(b.dtype).toBe('int64');
	const idsWant = (await hookTensor(page, idName))!;
	expect(b.dims).toEqual(idsWant.dims);
	expect(Array.from(b.data as BigInt64Array, Number)).toEqual(idsWant.data);
	expect(idsWant.data.length).toBe(info.tokens!.length);
});

test('.npz of every captured tensor: readNpz and numpy.load agree with the page, keys as the CLI names them', async ({
	page,
	open,
	backend
}) => {
	const text = 'the cat sat on the mat';
	await open(`model=pre-ln&text=${encodeURIComponent(text)}`);
	await waitReady(page);
	const f = await download(page, () => page.getByTestId('export-npz').click());
	expect(f.name).toBe('pre-ln-tensors.npz');
	const { manifest, arrays } = readNpz(f.bytes);
	expect(manifest).not.toBeNull();
	const m = manifest!;
	expect(m.model).toBe('pre-ln');
	expect(m.backend).toBe(backend);
	expect(m.text).toBe(text);
	const names = await page.evaluate(() => window.__blockscope!.names());
	expect(m.tensors.map((t) => t.onnx)).toEqual(names);
	expect(m.hooks['blocks.0.attn.hook_pattern']).toBeTruthy();
	// Bit for bit what the page holds.
	const page32 = await page.evaluate(() => {
		const h = window.__blockscope!;
		return Object.fromEntries(h.names().map((n) => [n, h.tensor(n)!]));
	});
	for (const t of m.tensors) {
		const a = arrays.get(t.key)!;
		const want = page32[t.onnx];
		expect(a.dims, t.key).toEqual(want.dims);
		expect(a.dtype, t.key).toBe(want.dtype);
		if (a.dtype === 'float32') expect(bytesOf(a.data), t.key).toEqual(bytesOf(Float32Array.from(want.data)));
		else expect(Array.from(a.data as ArrayLike<number | bigint>, Number), t.key).toEqual(want.data);
	}
	// The same keys, hooks and roles as `inspect --npz` for the same model and text.
	const r = await inspectModel({ model: 'models/pre-ln.onnx', text, threads: 1 });
	const cli = npzManifest(r.store, analyze(r.graph), {
		model: 'pre-ln',
		inputs: r.graph.inputs.map((i) => i.name),
		outputs: r.graph.outputs.map((o) => o.name)
	});
	expect(m.tensors.map(({ key, hook, aliases, onnx, dims, role, layer }) => ({ key, hook, aliases, onnx, dims, role, layer }))).toEqual(
		cli.tensors.map(({ key, hook, aliases, onnx, dims, role, layer }) => ({ key, hook, aliases, onnx, dims, role, layer }))
	);
	expect(m.hooks).toEqual(cli.hooks);

	if (!hasNumpy) {
		console.warn('export.spec: python3 with numpy not found; skipping the numpy.load check');
		return;
	}
	const dir = mkdtempSync(join(tmpdir(), 'bs-export-'));
	try {
		const file = join(dir, f.name);
		writeFileSync(file, f.bytes);
		const script = `
import numpy as np, json, sys, hashlib
z = np.load(sys.argv[1])
m = json.loads(z["manifest.json"])
out = {}
for t in m["tensors"]:
    a = z[t["key"]]
    out[t["key"]] = [list(a.shape), a.dtype.str, hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()]
print(json.dumps(out))`;
		const res = spawnSync('python3', ['-c', script, file], { encoding: 'utf8', maxBuffer: 1 << 26 });
		expect(res.status, res.stderr).toBe(0);
		const py = JSON.parse(res.stdout) as Record<string, [number[], string, string]>;
		const { createHash } = await import('node:crypto');
		for (const t of m.tensors) {
			const a = arrays.get(t.key)!;
			expect(py[t.key][0], t.key).toEqual(a.dims);
			expect(py[t.key][2], t.key).toBe(createHash('sha256').update(bytesOf(a.data)).digest('hex'));
		}
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});

test('copy-link: the clipboard holds the view; opening it restores model, layer, head, text and compare', async ({
	page,
	open,
	context,
	baseURL
}) => {
	await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
	await open('model=post-ln&layer=2&head=1&text=a dog ran');
	await waitReady(page);
	await page.getByTestId('copy-link').click();
	await expect(page.getByTestId('copy-link-note')).toContainText('Link copied');
	const link = await page.evaluate(() => navigator.clipboard.readText());
	const u = new URL(link);
	expect(u.searchParams.get('model')).toBe('post-ln');
	expect(u.searchParams.get('layer')).toBe('2');
	expect(u.searchParams.get('head')).toBe('1');
	expect(u.searchParams.get('text')).toBe('a dog ran');
	const backend = u.searchParams.get('backend');

	const other = await context.newPage();
	await other.goto(link);
	await waitReady(other);
	const map = other.getByTestId('attention-heatmap');
	await expect(map).toHaveAttribute('data-layer', '2');
	await expect(map).toHaveAttribute('data-head', '1');
	const info = await hookInfo(other);
	expect(info.model).toBe('post-ln.onnx');
	expect(info.input.text).toBe('a dog ran');
	if (backend) expect(info.backend).toBe(backend);
	await other.close();

	// The compare view is part of the view.
	await page.getByTestId('compare-open').selectOption('pre-ln');
	await expect(page.getByTestId('compare-model')).toHaveCount(2);
	await page.getByTestId('copy-link').click();
	const link2 = await page.evaluate(() => navigator.clipboard.readText());
	expect(new URL(link2).searchParams.get('compare')).toBe('pre-ln');
	const third = await context.newPage();
	await third.goto(link2);
	await waitReady(third);
	await expect(third.getByTestId('compare-model')).toHaveCount(2);
	await expect(third.getByTestId('compare-model').nth(1)).toHaveAttribute('data-name', 'pre-ln.onnx');
	await third.close();
});

test('copy-link for a local file: names the file; the link asks for it and restores the view once it is opened', async ({
	page,
	open,
	context,
	baseURL
}) => {
	await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
	await open();
	await waitReady(page);
	await upload(page, [{ name: 'tiny.onnx', bytes: tinyAttentionModel() }]);
	await page.getByTestId('head-select').selectOption({ value: '1' });
	await page.getByTestId('text-input').fill('abc cab');
	await expect.poll(() => hookInfo(page).then((i) => i.input.text), { timeout: 60_000 }).toBe('abc cab');
	await waitReady(page);
	await page.getByTestId('copy-link').click();
	await expect(page.getByTestId('copy-link-note')).toContainText('tiny.onnx');
	await expect(page.getByTestId('copy-link-note')).toContainText('open that file again');
	const link = await page.evaluate(() => navigator.clipboard.readText());
	const u = new URL(link);
	expect(u.searchParams.get('model')).toBeNull();
	expect(u.searchParams.get('file')).toBe('tiny.onnx');
	expect(u.searchParams.get('head')).toBe('1');

	const other = await context.newPage();
	await other.goto(link);
	await expect(other.getByTestId('reopen-note')).toHaveAttribute('data-file', 'tiny.onnx');
	await expect(other.getByTestId('attention-heatmap')).toHaveCount(0);
	await upload(other, [{ name: 'tiny.onnx', bytes: tinyAttentionModel() }]);
	await expect(other.getByTestId('reopen-note')).toHaveCount(0);
	await expect(other.getByTestId('attention-heatmap')).toHaveAttribute('data-head', '1');
	expect((await hookInfo(other)).input.text).toBe('abc cab');
	await other.close();
});

test('.npz under selective capture (over the memory budget): this layer’s tensors and the stream, and the manifest says so', async ({
	page,
	open
}) => {
	await open('model=pre-ln&budget=2M&layer=1&text=the cat sat');
	await waitReady(page);
	const info = await hookInfo(page);
	expect(info.capture?.mode).toBe('selective');
	const button = page.getByTestId('export-npz');
	await expect(button).toHaveAttribute('data-layer', '1');
	const f = await download(page, () => button.click());
	expect(f.name).toBe('pre-ln-tensors-L1.npz');
	const { manifest, arrays } = readNpz(f.bytes);
	expect(manifest!.capture_mode).toBe('selective');
	expect(manifest!.capture_layer).toBe(1);
	expect(manifest!.tensors.map((t) => t.onnx)).toEqual(await page.evaluate(() => window.__blockscope!.names()));
	expect(manifest!.hooks['blocks.1.attn.hook_pattern']).toBeTruthy();
	expect(manifest!.hooks['blocks.0.attn.hook_pattern']).toBeUndefined();
	const key = manifest!.hooks['blocks.1.attn.hook_pattern'];
	const want = (await hookTensor(page, manifest!.tensors.find((t) => t.key === key)!.onnx))!;
	expect(bytesOf(arrays.get(key)!.data)).toEqual(bytesOf(Float32Array.from(want.data)));
});
