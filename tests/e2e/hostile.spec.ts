// Issue 8 on the page: broken and hostile model files picked through `model-file`. Each refusal is
// one clear message in `error` with the status at "error"; the model on screen stays until a new
// one is ready; the next model opens normally. Models that are not transformers open with the
// reason there is no attention; hostile names stay text; fuzzed files end as error or ready.
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect, waitReady } from './backend';
import { hookInfo, upload } from './helpers';
import { tinyAttentionModel } from './tiny-model';
import {
	CONTROL,
	LONG,
	PNG,
	SCRIPT,
	XSS,
	cnn,
	cycle,
	dangling,
	duplicateGraphOutput,
	duplicateProducer,
	mlp,
	namedModel,
	randomBytes
} from '../fixtures/hostile';
import { clearMessage, mutants } from '../fixtures/hostile-fuzz';

const PRE_LN = () => new Uint8Array(readFileSync('models/pre-ln.onnx'));

/** Picks files through `model-file` (no waiting). */
async function pick(page: Page, files: { name: string; bytes: Uint8Array }[]): Promise<void> {
	await page
		.getByTestId('model-file')
		.setInputFiles(files.map((f) => ({ name: f.name, mimeType: 'application/octet-stream', buffer: Buffer.from(f.bytes) })));
}

/** The page's count of errors so far (the error element carries it while shown). */
async function errorCount(page: Page): Promise<number> {
	const el = page.getByTestId('error');
	return (await el.count()) ? Number(await el.getAttribute('data-n')) : 0;
}

/**
 * Picks a file and waits for its outcome: "ready" (the hook names it) or "error" (a new error, the
 * status at error). `seen`: errors shown so far. Returns the outcome and the message.
 */
async function outcome(
	page: Page,
	name: string,
	bytes: Uint8Array,
	seen: number,
	timeout = 60_000
): Promise<{ state: 'ready' | 'error'; message: string; n: number }> {
	await pick(page, [{ name, bytes }]);
	const handle = await page.waitForFunction(
		([n, k]) => {
			const err = document.querySelector('[data-testid=error]');
			if (err && Number(err.getAttribute('data-n')) > k) return 'error';
			const st = document.querySelector('[data-testid=status]')?.getAttribute('data-state');
			return window.__blockscope?.info().model === n && st === 'ready' ? 'ready' : null;
		},
		[name, seen] as const,
		{ timeout }
	);
	const state = (await handle.jsonValue()) as 'ready' | 'error';
	if (state === 'error') await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'error');
	const message = state === 'error' ? ((await page.getByTestId('error').locator('strong').textContent()) ?? '').trim() : '';
	return { state, message, n: await errorCount(page) };
}

/** Nothing from a model ran or was injected: no <img src=x>, no flag set, no dialog. */
async function expectInert(page: Page, dialogs: string[]): Promise<void> {
	const evil = await page.evaluate(() => ({
		pwned: (window as { __pwned?: unknown }).__pwned ?? null,
		imgs: document.querySelectorAll('img[src="x"], img[onerror]').length,
		scripts: [...document.querySelectorAll('script')].filter((s) => s.textContent?.includes('__pwned')).length
	}));
	expect(evil).toEqual({ pwned: null, imgs: 0, scripts: 0 });
	expect(dialogs).toEqual([]);
}

test('each refusal is one clear message with the status at error; the heatmap stays; the next model opens', async ({ page, open }) => {
	await open('model=pre-ln');
	await waitReady(page);
	const full = PRE_LN();
	const cases: [string, Uint8Array, RegExp][] = [
		['empty.onnx', new Uint8Array(0), /^The file is empty \(0 bytes\)\./],
		['random.onnx', randomBytes(4096, 7), /^Not (a readable )?(an )?ONNX model/],
		['picture.onnx', PNG, /^This is a PNG image, not an ONNX model\./],
		[
			`cut-half.onnx`,
			full.subarray(0, full.length >> 1),
			new RegExp(`^Not a readable ONNX model: the data ends in the middle of a field after ${full.length >> 1} bytes`)
		],
		['cut-100.onnx', full.subarray(0, 100), /^Not (a readable ONNX model|an ONNX model)/],
		['cut-end.onnx', full.subarray(0, full.length - 4096), /^Not (a readable ONNX model|an ONNX model)/],
		['cycle.onnx', cycle(), /^Invalid graph: it contains a cycle \(2 nodes never become ready, the first is "node_a"\)\./],
		['dangling.onnx', dangling(), /^Invalid graph: node "adder" reads tensor "ghost", which no node, input or initializer provides\./],
		['dup-producer.onnx', duplicateProducer(), /^Invalid graph: tensor "y" is produced twice/],
		['dup-output.onnx', duplicateGraphOutput(), /^Invalid graph: graph output "y" is listed twice\./]
	];
	let seen = await errorCount(page);
	const map = page.getByTestId('attention-heatmap');
	for (const [name, bytes, want] of cases) {
		const r = await outcome(page, name, bytes, seen);
		expect(r.state, name).toBe('error');
		seen++;
		expect(r.message, name).toMatch(want);
		expect(clearMessage(r.message), `${name}: ${r.message}`).toBeNull();
		// The previous view is kept: the heatmap, the model the hook names, the model in the URL.
		await expect(map, name).toBeVisible();
		expect((await hookInfo(page)).model).toBe('pre-ln.onnx');
		expect(new URL(page.url()).searchParams.get('model')).toBe('pre-ln');
		await expect(page.getByTestId('model-select')).toHaveValue('pre-ln');
	}
	// The kept model still answers: new text re-runs it (reopened on the worker where needed).
	await page.getByTestId('text-input').fill('a dog ran');
	await expect.poll(() => hookInfo(page).then((i) => i.input.text), { timeout: 60_000 }).toBe('a dog ran');
	await waitReady(page);
	await expect(page.getByTestId('error')).toHaveCount(0);
	expect((await hookInfo(page)).model).toBe('pre-ln.onnx');

	// And the next model opens normally.
	await upload(page, [{ name: 'tiny.onnx', bytes: tinyAttentionModel() }]);
	await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'ready');
	await expect(page.getByTestId('error')).toHaveCount(0);
	await expect(map).toBeVisible();
	expect((await hookInfo(page)).model).toBe('tiny.onnx');
});

test('a model over the memory budget is refused from its size, before it is read; the next opens', async ({ page, open }) => {
	await open('model=pre-ln&budget=1M');
	await waitReady(page);
	const big = new Uint8Array(1536 * 1024); // 1.5 MiB of zeros: never read, refused by size
	const r = await outcome(page, 'big.onnx', big, await errorCount(page));
	expect(r.state).toBe('error');
	expect(r.message).toMatch(/^big\.onnx is 1\.5 MiB, over the 1\.0 MiB limit \(memory budget: \?budget=1M\); it was not loaded\./);
	await expect(page.getByTestId('attention-heatmap')).toBeVisible();
	expect((await outcome(page, 'tiny.onnx', tinyAttentionModel(), r.n)).state).toBe('ready');
	await expect(page.getByTestId('error')).toHaveCount(0);
});

for (const [label, build, softmax] of [
	['an MLP', mlp, false],
	['a CNN', cnn, true]
] as const)
	test(`${label} opens: the tensor list works, attention and norms say "no attention found" with the reason`, async ({ page, open }) => {
		await open();
		await waitReady(page);
		await upload(page, [{ name: `${label.split(' ')[1].toLowerCase()}.onnx`, bytes: build() }]);
		await expect(page.getByTestId('error')).toHaveCount(0);
		const none = page.getByTestId('no-attention');
		await expect(none).toContainText('No attention found:');
		await expect(none).toContainText(softmax ? 'does not normalize Q·K^T scores' : 'the graph has no Softmax');
		await expect(page.getByTestId('no-norms')).toContainText('no attention found:');
		// The tensor list: every captured tensor, selectable, drawn.
		const names = await page.evaluate(() => window.__blockscope!.names());
		expect(names.length).toBeGreaterThan(4);
		await expect(page.getByTestId('tensor-count')).toHaveText(`${names.length} of ${names.length}`);
		const row = page.getByTestId('tensor-row').nth(2);
		await row.click();
		await expect(page.getByTestId('tensor-heatmap')).toHaveAttribute('data-tensor', (await row.getAttribute('data-name'))!);
	});

test('names with HTML, control characters or 100k characters stay inert text; the layout holds at 1366x768', async ({ page, open }) => {
	await page.setViewportSize({ width: 1366, height: 768 });
	const dialogs: string[] = [];
	page.on('dialog', (d) => {
		dialogs.push(d.message());
		void d.dismiss();
	});
	await open();
	await waitReady(page);
	for (const [tag, evil] of [
		['html', XSS],
		['script', SCRIPT],
		['control', CONTROL],
		['long', LONG]
	] as const) {
		const name = (role: string) => `${role}:${evil}`;
		await upload(page, [{ name: `${tag}.onnx`, bytes: namedModel(name) }]);
		await expect(page.getByTestId('error')).toHaveCount(0);
		const names = await page.evaluate(() => window.__blockscope!.names());
		expect(names).toEqual([name('input'), name('hidden'), name('output')]); // exactly as written
		await page.getByTestId('tensor-row').nth(1).click();
		await expect(page.getByTestId('tensor-heatmap')).toBeVisible();
		await expectInert(page, dialogs);
		const shown = await page.evaluate(() => ({
			text: document.body.innerText,
			overflow: document.documentElement.scrollWidth - window.innerWidth,
			title: document.title
		}));
		// Control characters and bidi overrides are shown as escapes, never raw.
		expect(shown.text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]/);
		if (tag === 'control') expect(shown.text).toContain('\\x1b[31mRED');
		if (tag === 'html') expect(shown.text).toContain('<img src=x onerror=');
		expect(shown.overflow, `${tag}: horizontal overflow`).toBeLessThanOrEqual(0);
		// A 100k-character name is clipped where it is shown, not laid out in full.
		if (tag === 'long') expect(shown.text.length).toBeLessThan(60_000);
	}
});

test('fuzzed models through model-file each end as error or ready in time; the page stays usable', async ({ page, open }) => {
	test.setTimeout(300_000);
	await open();
	await waitReady(page);
	const bases = [
		{ name: 'pre-ln', bytes: PRE_LN() },
		{ name: 'tiny', bytes: tinyAttentionModel() },
		{ name: 'mlp', bytes: mlp() }
	];
	let seen = await errorCount(page);
	const results: string[] = [];
	for (const m of mutants(bases, 10, 2024)) {
		const name = `${m.id.replace(/[^\w.-]+/g, '_')}.onnx`;
		const t0 = Date.now();
		const r = await outcome(page, name, m.bytes, seen, 45_000);
		results.push(`${m.id} ${m.detail}: ${r.state} in ${Date.now() - t0} ms${r.message ? `: ${r.message.slice(0, 120)}` : ''}`);
		if (r.state === 'error') {
			seen++;
			expect(clearMessage(r.message), `${m.id}: ${r.message}`).toBeNull();
		}
	}
	console.log(results.join('\n'));
	// Still usable: a zoo model opens and draws.
	await page.getByTestId('model-select').selectOption('post-ln');
	await expect.poll(() => page.evaluate(() => window.__blockscope?.info().model), { timeout: 90_000 }).toBe('post-ln.onnx');
	await waitReady(page);
	await expect(page.getByTestId('attention-heatmap')).toBeVisible();
});
