// A GPT-2 stack as ONNX Runtime's transformers optimizer leaves it (com.microsoft Attention,
// SkipLayerNormalization, FastGelu: tests/fixtures/ort/gpt2-fused.ts), opened from a file: the
// pattern the fused op never exposes is recomputed in the worker from its captured inputs, the
// page says so beside the heatmap, the health panel shows the self-check, and hovered values
// equal the inspect CLI's on the same file and inputs. On WebGPU, either ORT's WebGPU EP runs it
// (the values then agree within its arithmetic) or the page says which op it lacked and ran WASM.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeModel } from '../../src/lib/onnx/build';
import { inspectModel } from '../../src/cli/run';
import { gpt2Fused } from '../fixtures/ort/gpt2-fused';
import { bertFused } from '../fixtures/ort/bert-fused';
import { test, expect, waitReady } from './backend';
import { hookInfo, readCell, upload } from './helpers';

let dir = '';
let file = '';
const bytes = encodeModel(gpt2Fused().model);

test.beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'bs-e2e-fused-'));
	file = join(dir, 'gpt2-fused.onnx');
	writeFileSync(file, bytes);
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('fused GPT-2: the recomputed pattern is drawn and said to be derived; self-check in health; hover equals the CLI', async ({
	page,
	open,
	backend
}) => {
	await open();
	await waitReady(page);
	await upload(page, [{ name: 'gpt2-fused.onnx', bytes }]);
	const info = await hookInfo(page);
	// WebGPU may fail on it (today, SwiftShader: "Unsupported OrtValue type" when the run's outputs
	// are fetched): then the page says why and runs on WASM.
	if (backend === 'webgpu' && info.backend === 'wasm')
		await expect(page.getByTestId('fallback-reason')).toContainText(/Attention|SkipLayerNormalization|FastGelu|WebGPU/);
	expect(info.attention).toHaveLength(2);
	expect(info.attention[0].tensor).toMatch(/^derived::/);

	const map = page.getByTestId('attention-heatmap');
	await expect(map).toHaveAttribute('data-derived', 'true');
	await expect(page.getByTestId('derived-note')).toContainText('recomputed from Q and K');
	await expect(page.getByTestId('derived-note')).toHaveAttribute('data-op', 'Attention');

	const health = page.getByTestId('health');
	const selfCheck = Number(await health.getAttribute('data-self-check'));
	expect(selfCheck).toBeLessThan(1e-3);
	await expect(health.locator('[data-check=self-check]')).toHaveAttribute('data-level', 'ok');

	const cli = await inspectModel({ model: file, threads: 1 });
	expect(info.tokens).toEqual(cli.tokens);
	const p = cli.store.get(info.attention[0].tensor)!;
	const S = p.dims[3];
	const tol = info.backend === 'wasm' ? 1e-6 : 1e-4;
	for (const [r, c] of [
		[3, 1],
		[S - 1, 0],
		[S - 1, S - 1]
	]) {
		const v = Number(await readCell(page, map, r, c));
		expect(Math.abs(v - (p.data as Float32Array)[r * S + c])).toBeLessThanOrEqual(tol);
	}
	// Above the diagonal: unidirectional, so masked (exactly 0).
	expect((p.data as Float32Array)[1]).toBe(0);
});

// The fused zoo members, opened from the menu as a user would: on WebGPU every op of both has a
// WebGPU kernel (src/lib/worker/webgpu-ops.ts), so the page runs them there; hovered cells of the
// shown head equal the CLI's run of the same file.
for (const id of ['gpt2-ort-fused', 'llama-int4-genai'])
	test(`zoo ${id} opens from the model menu; hover equals the CLI`, async ({ page, open, backend }) => {
		await open();
		await waitReady(page);
		await page.getByTestId('model-select').selectOption(id);
		await page.waitForFunction((m) => window.__blockscope?.info().model === m, `${id}.onnx`, { timeout: 120_000 });
		await waitReady(page);
		const info = await hookInfo(page);
		expect(info.backend).toBe(backend);
		await expect(page.getByTestId('fallback-reason')).toHaveCount(0);
		await expect(page.getByTestId('derived-note')).toContainText('recomputed from Q and K');
		const map = page.getByTestId('attention-heatmap');
		const layer = Number(await map.getAttribute('data-layer'));
		const head = Number(await map.getAttribute('data-head'));
		const cli = await inspectModel({ model: `models/${id}.onnx`, threads: 1 });
		expect(info.tokens).toEqual(cli.tokens);
		const p = cli.store.get(info.attention[layer].tensor)!;
		const S = p.dims[3];
		for (const [r, c] of [
			[S - 1, 0],
			[S - 1, S - 2]
		]) {
			const v = Number(await readCell(page, map, r, c));
			const want = (p.data as Float32Array)[head * S * S + r * S + c];
			expect(Math.abs(v - want), `cell ${r},${c}`).toBeLessThanOrEqual(backend === 'wasm' ? 1e-6 : 1e-4);
		}
	});

test('WebGPU lacks EmbedLayerNormalization: the page names it and runs the ORT-optimized BERT on WASM', async ({ page, open, backend }) => {
	test.skip(backend !== 'webgpu', 'auto mode with a WebGPU adapter only');
	await open();
	await waitReady(page);
	await upload(page, [{ name: 'bert-fused.onnx', bytes: encodeModel(bertFused().model) }]);
	expect((await hookInfo(page)).backend).toBe('wasm');
	await expect(page.getByTestId('status')).toHaveAttribute('data-backend', 'wasm');
	await expect(page.getByTestId('fallback-reason')).toContainText(
		'WebGPU has no kernel for com.microsoft EmbedLayerNormalization here: ran on WASM'
	);
});
