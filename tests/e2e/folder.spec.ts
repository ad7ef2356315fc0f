// A model folder as people download it (tests/fixtures/folder/make.ts writes one: config.json,
// a byte-level BPE tokenizer.json, onnx/model.onnx and its Optimum-merged decoder): picked with
// the directory picker, text typed and run with Enter, the tokens on the heatmap's axes with their
// ids, stepping and hovering; the inspect CLI on the same folder gives the same ids and tensors.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { inspectModel, type InspectResult } from '../../src/cli/run';
import { writeModelFolder } from '../fixtures/folder/make';
import { test, expect, waitReady } from './backend';
import { focusPage, hookInfo, hookTensor, readCell } from './helpers';

const TEXT = 'the mat sat on the cat';
let dir = '';

test.beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'bs-e2e-folder-'));
	await writeModelFolder(join(dir, 'gpt2-tiny'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function openFolder(page: Page): Promise<void> {
	await page.getByTestId('folder-input').setInputFiles(join(dir, 'gpt2-tiny'));
	await page.waitForFunction(
		() => window.__blockscope?.info().model === 'gpt2-tiny/onnx/model.onnx' || document.querySelector('[data-testid=error]')
	);
	await waitReady(page);
}

function close(a: readonly number[], b: ArrayLike<number>, tol: number): number {
	let worst = 0;
	for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
	expect(a.length).toBe(b.length);
	expect(worst).toBeLessThanOrEqual(tol);
	return worst;
}

test('a model folder: typed text becomes its tokens on the axes; step, hover; the CLI gives the same ids and tensors', async ({
	page,
	open,
	backend
}) => {
	await open();
	await waitReady(page);
	await openFolder(page);
	await expect(page.getByTestId('folder-tokenizer')).toHaveAttribute('data-file', 'tokenizer.json');

	const text = page.getByTestId('text-input');
	await text.fill(TEXT);
	await text.press('Enter');
	await page.waitForFunction((t) => window.__blockscope?.info().input.text === t, TEXT);
	await waitReady(page);

	const cli: InspectResult = await inspectModel({ model: join(dir, 'gpt2-tiny'), text: TEXT, threads: 1 });
	const info = await hookInfo(page);
	expect(info.tokens).toEqual(cli.tokens);
	expect(info.tokens).toEqual(['the', '␣mat', '␣sat', '␣on', '␣the', '␣cat']);

	// Every position's label on the key axis: its text and its id, as the tokenizer made them.
	const keys = page.getByTestId('attention-figure').locator('.axis-x [data-testid=token-label]');
	await expect(keys).toHaveCount(cli.tokenIds!.length);
	expect(await keys.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-token-id'))))).toEqual(cli.tokenIds);
	expect(await keys.allTextContents()).toEqual(cli.tokens);

	// Inputs and where their values came from.
	const panel = page.getByTestId('inputs-panel');
	await expect(panel.locator('[data-input=input_ids]')).toHaveAttribute('data-source', 'text');
	await expect(panel.locator('[data-input=attention_mask]')).toHaveAttribute('data-source', 'default');

	// Same tensors as the CLI (WASM both: equal to float32 rounding; WebGPU within its own arithmetic).
	const tol = backend === 'wasm' ? 1e-6 : 1e-4;
	for (const name of ['input_ids', info.attention[0].tensor, info.attention[1].tensor]) {
		const t = await hookTensor(page, name);
		expect(t!.dims).toEqual(cli.store.get(name)!.dims);
		close(t!.data, Array.from(cli.store.get(name)!.data as ArrayLike<number | bigint>, Number), tol);
	}

	// Step to layer 1 and hover: the readout holds the CLI's value for that cell.
	await focusPage(page);
	await page.keyboard.press('ArrowRight');
	const map = page.getByTestId('attention-heatmap');
	await expect(map).toHaveAttribute('data-layer', '1');
	await waitReady(page);
	const value = Number(await readCell(page, map, 4, 1));
	const p = cli.store.get(info.attention[1].tensor)!;
	const S = p.dims[3];
	expect(Math.abs(value - (p.data as Float32Array)[0 * p.dims[1] * S * S + 0 * S * S + 4 * S + 1])).toBeLessThanOrEqual(tol);
	await expect(page.getByTestId('hover-readout')).toContainText('␣the');
});

test("a folder's merged decoder: chosen by variant, captured through its inlined branch, caches start empty", async ({ page, open }) => {
	await open();
	await waitReady(page);
	await openFolder(page);
	await page.getByTestId('variant-select').selectOption('decoder_model_merged');
	await page.waitForFunction(() => window.__blockscope?.info().model === 'gpt2-tiny/onnx/decoder_model_merged.onnx');
	await waitReady(page);
	await expect(page.getByTestId('status-message')).toContainText(/use_cache_branch = false\), inlined/);
	await expect(page).toHaveURL(/variant=decoder_model_merged/);
	const panel = page.getByTestId('inputs-panel');
	await expect(panel.locator('[data-input="past_key_values.0.key"]')).toHaveAttribute('data-source', 'empty-cache');
	await expect(panel.locator('[data-input="past_key_values.0.key"]')).toHaveAttribute('data-dims', '1,2,0,8');
	const info = await hookInfo(page);
	expect(info.attention).toHaveLength(2);
	await expect(page.getByTestId('attention-figure').locator('.axis-x [data-testid=token-label]')).toHaveCount(6);
});

/** The folder's files, read here, as (path inside the drop, base64 bytes). */
function folderFiles(root: string, sub: string): { path: string; b64: string }[] {
	return readdirSync(join(root, sub), { withFileTypes: true }).flatMap((e) =>
		e.isDirectory()
			? folderFiles(root, join(sub, e.name))
			: [{ path: `${sub}/${e.name}`, b64: readFileSync(join(root, sub, e.name)).toString('base64') }]
	);
}

test('dropping the folder on the page (directory entries) opens the same ids and tensors as the picker; its K/V view per head', async ({
	page,
	open
}) => {
	await open();
	await waitReady(page);
	// A drop of a folder hands the page directory entries (webkitGetAsEntry), not files with paths:
	// Playwright cannot drop a real folder, so the entries are built in the page from the files.
	await page.evaluate(
		(files) => {
			type Node = { name: string; file?: File; kids?: Map<string, Node> };
			const root: Node = { name: '', kids: new Map() };
			for (const f of files) {
				const parts = f.path.split('/');
				let at = root;
				for (const p of parts.slice(0, -1)) {
					if (!at.kids!.has(p)) at.kids!.set(p, { name: p, kids: new Map() });
					at = at.kids!.get(p)!;
				}
				const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
				const name = parts[parts.length - 1];
				at.kids!.set(name, { name, file: new File([bytes], name) });
			}
			const entry = (n: Node): object =>
				n.file
					? { name: n.name, isFile: true, isDirectory: false, file: (ok: (f: File) => void) => ok(n.file!) }
					: {
							name: n.name,
							isFile: false,
							isDirectory: true,
							createReader: () => {
								let done = false;
								return { readEntries: (ok: (e: object[]) => void) => ok(done ? [] : ((done = true), [...n.kids!.values()].map(entry))) };
							}
						};
			const top = [...root.kids!.values()];
			const dt = { types: ['Files'], files: [], items: top.map((n) => ({ kind: 'file', webkitGetAsEntry: () => entry(n) })) };
			const ev = new DragEvent('drop', { bubbles: true, cancelable: true });
			Object.defineProperty(ev, 'dataTransfer', { value: dt });
			window.dispatchEvent(ev);
		},
		folderFiles(dir, 'gpt2-tiny')
	);
	await page.waitForFunction(
		() => window.__blockscope?.info().model === 'gpt2-tiny/onnx/model.onnx' || document.querySelector('[data-testid=error]')
	);
	await waitReady(page);
	await expect(page.getByTestId('folder-tokenizer')).toHaveAttribute('data-file', 'tokenizer.json');
	const text = page.getByTestId('text-input');
	await text.fill(TEXT);
	await text.press('Enter');
	await page.waitForFunction((t) => window.__blockscope?.info().input.text === t, TEXT);
	await waitReady(page);
	const cli: InspectResult = await inspectModel({ model: join(dir, 'gpt2-tiny'), text: TEXT, threads: 1 });
	const info = await hookInfo(page);
	expect(info.tokens).toEqual(cli.tokens);
	const ids = await hookTensor(page, 'input_ids');
	expect(Array.from(ids!.data, Number)).toEqual(cli.tokenIds);
	for (const name of [info.attention[0].tensor, 'present.1.key']) {
		const t = await hookTensor(page, name);
		expect(t!.dims).toEqual(cli.store.get(name)!.dims);
		close(t!.data, Array.from(cli.store.get(name)!.data as ArrayLike<number | bigint>, Number), 1e-4);
	}

	// The layer's K/V view: present.0.key/value per head, [positions × d_head], each position's norm.
	const kv = page.getByTestId('kv-view');
	await expect(kv).toHaveAttribute('data-layer', '0');
	await kv.locator('summary').click();
	await expect(kv).toHaveAttribute('data-kv-heads', '2');
	const maps = kv.getByTestId('kv-heatmap');
	await expect(maps).toHaveCount(2);
	await expect(maps.first()).toHaveAttribute('data-tensor', 'present.0.key');
	await expect(maps.first()).toHaveAttribute('data-rows', '6');
	await expect(maps.first()).toHaveAttribute('data-cols', '8');
	await kv.getByTestId('kv-head').selectOption({ value: '1' }); // labels count from 1
	await expect(kv).toHaveAttribute('data-head', '1');
	// Position 3's key norm in head 1 is the CLI tensor's [0, 1, 3, :] norm.
	const k = cli.store.get('present.0.key')!;
	const x = k.data as Float32Array;
	const want = Math.hypot(...Array.from({ length: 8 }, (_, d) => x[(1 * 6 + 3) * 8 + d]));
	const got = Number(await kv.locator('[data-testid=kv-norm][data-kind=key][data-pos="3"]').getAttribute('data-value'));
	expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-4 * Math.max(1, want));
});

test("the genai LLaMA's K/V view: GroupQueryAttention's present keys, query heads mapped onto KV heads", async ({ page, open }) => {
	await open('model=llama-int4-genai&layer=1&head=2');
	await waitReady(page);
	const kv = page.getByTestId('kv-view');
	await expect(kv).toHaveAttribute('data-layer', '1');
	await kv.locator('summary').click();
	await expect(kv).toHaveAttribute('data-kv-heads', '2');
	// 4 query heads over 2 KV heads: query head 3 (0-based 2) reads KV head 2 (0-based 1).
	await expect(kv).toHaveAttribute('data-head', '1');
	await expect(kv).toContainText('4 query heads share 2 KV heads (grouped-query): query head 3 reads KV head 2.');
	const key = kv.locator('[data-testid=kv-heatmap][data-kind=key]');
	await expect(key).toHaveAttribute('data-tensor', '/model/layers.1/GroupQueryAttention_output_1');
	const t = await hookTensor(page, '/model/layers.1/GroupQueryAttention_output_1');
	const [, H, S, D] = t!.dims;
	expect(H).toBe(2);
	await expect(key).toHaveAttribute('data-rows', String(S));
	await expect(key).toHaveAttribute('data-cols', String(D));
	// The norms are the tensor's own: position 0 of KV head 1.
	const want = Math.hypot(...Array.from({ length: D }, (_, d) => Number(t!.data[(1 * S + 0) * D + d])));
	const got = Number(await kv.locator('[data-testid=kv-norm][data-kind=key][data-pos="0"]').getAttribute('data-value'));
	expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, want));
});
