// Issue 6 on the page: health checks on every run. The broken zoo member's first non-finite tensor
// is named (health panel, tensor list, status line) and equals models/index.json's answer for the
// capture set that ran and the inspect CLI's; a healthy causal model shows nothing alarming (its
// mask -inf is "masked").
import { readFileSync } from 'node:fs';
import { test, expect, waitReady } from './backend';
import { hookInfo } from './helpers';
import { inspectModel } from '../../src/cli/run';
import { healthOf } from '../../src/cli/check';
import { DEFAULT_TEXT } from '../../src/lib/runtime/inputs';

interface IndexEntry {
	id: string;
	first_nonfinite?: { all: string; semantic: string };
}
const zoo: IndexEntry[] = JSON.parse(readFileSync('models/index.json', 'utf8'));
const broken = zoo.find((e) => e.id === 'broken-ffn')!;

/** The CLI's health.first_nonfinite for the same model, text and capture set. */
async function cliFirst(id: string, text: string, capture: 'all' | 'semantic'): Promise<string | null> {
	const r = await inspectModel({ model: `models/${id}.onnx`, text, capture, threads: 1 });
	return healthOf(r).first_nonfinite;
}

for (const capture of ['all', 'semantic'] as const) {
	test(`broken-ffn: the first non-finite tensor is named (capture ${capture}), as index.json and the CLI say`, async ({ page, open }) => {
		await open(`model=broken-ffn${capture === 'semantic' ? '&capture=semantic' : ''}`);
		await waitReady(page);
		const info = await hookInfo(page);
		expect(info.captureSet).toBe(capture);
		const want = broken.first_nonfinite![capture];
		expect(await cliFirst('broken-ffn', info.input.text ?? DEFAULT_TEXT, capture)).toBe(want);

		const health = page.getByTestId('health');
		await expect(health).toHaveAttribute('data-first-nonfinite', want);
		await expect(health).toHaveAttribute('data-state', 'problems');
		await expect(health).toHaveAttribute('data-capture', capture);
		await expect(health.getByTestId('health-first')).toHaveAttribute('data-node', /\S/);
		// Why: capture all sees the MatMul read the +inf weight; semantic did not capture the MatMul.
		await expect(health.getByTestId('health-first')).toContainText(capture === 'all' ? 'layer2.mlp.w2.weight' : 'not captured');
		// The status line names it and its producing node.
		const status = page.getByTestId('status-nonfinite');
		await expect(status).toHaveAttribute('data-tensor', want);
		await expect(status).toContainText(want);
		const node = await health.getByTestId('health-first').getAttribute('data-node');
		await expect(status).toHaveAttribute('data-node', node!);
		// The masks stay "masked"; the capture set is stated.
		await expect(health.locator('[data-testid=health-item][data-check=masked]')).toHaveAttribute('data-level', 'ok');
		await expect(health.locator('[data-testid=health-item][data-check=capture]')).toContainText(capture);
		// Layer 3's pattern is broken too: NaN rows on WASM; on WebGPU its Softmax turns NaN rows into zeros.
		await expect(health.locator('[data-testid=health-item][data-check^=softmax][data-level=bad]').first()).toBeVisible();

		// Clicking it shows it in the tensor list, highlighted, with its node.
		await health.getByTestId('health-first-tensor').click();
		const row = page.locator(`[data-testid=tensor-row][data-first-nonfinite=true]`);
		await expect(row).toHaveAttribute('data-name', want);
		await expect(row).toHaveAttribute('data-node', node!);
		await expect(row.getByTestId('first-nonfinite-tag')).toBeVisible();
		await expect(page.getByTestId('tensor-name')).toContainText(/\S/);
		await expect(page.getByTestId('tensor-heatmap')).toHaveAttribute('data-tensor', want);
	});
}

test('a healthy causal model shows nothing alarming; its mask -inf counts as masked', async ({ page, open }) => {
	await open('model=pre-ln');
	await waitReady(page);
	const health = page.getByTestId('health');
	await expect(health).toHaveAttribute('data-state', 'ok');
	await expect(health).toHaveAttribute('data-first-nonfinite', '');
	await expect(health).toHaveAttribute('data-capture', 'all');
	await expect(health.locator('[data-testid=health-item][data-level=bad], [data-testid=health-item][data-level=warn]')).toHaveCount(0);
	await expect(health.locator('[data-testid=health-item][data-check=masked]')).toContainText('Masked');
	expect(Number(await health.getAttribute('data-masked'))).toBeGreaterThan(0);
	expect(Number(await health.getAttribute('data-softmax-max-err'))).toBeLessThan(1e-3);
	await expect(page.getByTestId('status-nonfinite')).toHaveCount(0);
	await expect(page.locator('[data-testid=tensor-row][data-first-nonfinite]')).toHaveCount(0);
});
