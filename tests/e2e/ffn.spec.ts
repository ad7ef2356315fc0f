// The FFN panel and the named heads on the page equal the inspect CLI's layers[i].mlp and
// layers[i].attention.head_scores for the same model and input (the CLI's pipeline, run here).
import { test, expect, waitReady } from './backend';
import { focusPage, hookInfo } from './helpers';
import { inspectModel } from '../../src/cli/run';
import { headLabel, mlpReports, modelHeadScores, type MlpReport } from '../../src/lib/report';
import { repeatPeriod, type HeadScore } from '../../src/lib/stats';

async function cli(
	id: string,
	text: string
): Promise<{ mlp: (MlpReport | null)[]; heads: (HeadScore[] | null)[]; S: number; period: number | null }> {
	const r = await inspectModel({ model: `models/${id}.onnx`, text, threads: 1, capture: 'semantic' });
	const st = r.recognition.structure!;
	const ids = r.tokenIds ?? [];
	return {
		mlp: mlpReports(r.graph, st, r.store),
		heads: modelHeadScores(st, r.store, r.tokenIds),
		S: ids.length,
		period: repeatPeriod(ids)
	};
}

/** Fractions count entries: equal on WASM (the same float32 tensors); WebGPU may move a value across a bound. */
function near(got: string | null, want: number | null, backend: 'webgpu' | 'wasm', what: string, rel = 1e-6) {
	expect(got, what).not.toBeNull();
	if (want === null) return expect(got, what).toBe('');
	const tol = backend === 'webgpu' ? 2e-2 : rel;
	expect(Math.abs(Number(got) - want), `${what}: page ${got} vs CLI ${want}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want)));
}

test('ffn-stats follows the layer and shows the CLI numbers (pre-LN: exact GELU)', async ({ page, open, backend }) => {
	await open('model=pre-ln&layer=0');
	await waitReady(page);
	const info = await hookInfo(page);
	const c = await cli('pre-ln', info.input.text ?? 'the cat sat on the mat');
	const panel = page.getByTestId('ffn-stats');
	await expect(panel).toHaveAttribute('data-layer', '0');
	await expect(panel).toHaveAttribute('data-activation', 'gelu_erf');
	await focusPage(page);
	await page.keyboard.press('ArrowRight');
	await expect(panel).toHaveAttribute('data-layer', '1');
	near(await panel.getAttribute('data-dead'), c.mlp[1]!.stats.dead_fraction, backend, 'dead fraction L1');
	near(await panel.getAttribute('data-zero'), c.mlp[1]!.stats.zero_fraction, backend, 'zero fraction L1');
	await expect(panel).toHaveAttribute('data-approx-err', ''); // exact GELU: no approximation
	await expect(panel.getByTestId('norm-histogram')).toHaveCount(1);
	await expect(panel.getByTestId('ffn-unit')).toHaveCount(5);
});

test('ORT-fused GPT-2: FastGelu is tanh-GELU; its error against exact GELU is the CLI one', async ({ page, open, backend }) => {
	await open('model=gpt2-ort-fused&layer=0');
	await waitReady(page);
	const info = await hookInfo(page);
	const c = await cli('gpt2-ort-fused', info.input.text ?? 'the cat sat on the mat');
	const panel = page.getByTestId('ffn-stats');
	await expect(panel).toHaveAttribute('data-activation', 'gelu_tanh');
	near(await panel.getAttribute('data-approx-err'), c.mlp[0]!.stats.approx_max_err, backend, 'approx err L0', 1e-4);
	await expect(panel.getByTestId('ffn-approx')).toBeVisible();
});

test('pre-RMS SwiGLU: a gated SiLU with its gate saturation; head labels are the CLI scores; repeat my text scores induction', async ({
	page,
	open,
	backend
}) => {
	await open('model=pre-rms-swiglu&layer=0');
	await waitReady(page);
	const info = await hookInfo(page);
	const text = info.input.text ?? 'the cat sat on the mat';
	const c = await cli('pre-rms-swiglu', text);
	const panel = page.getByTestId('ffn-stats');
	await expect(panel).toHaveAttribute('data-activation', 'silu');
	await expect(panel).toHaveAttribute('data-gated', 'true');
	await expect(panel.getByTestId('ffn-gate')).toBeVisible();
	near(await panel.getAttribute('data-zero'), c.mlp[0]!.stats.zero_fraction, backend, 'zero fraction L0');

	const thumbs = page.getByTestId('head-thumb');
	const n = c.heads[0]!.length;
	await expect(thumbs).toHaveCount(n);
	for (let h = 0; h < n; h++) {
		// on WebGPU a score right at a bar could fall either side; WASM matches the CLI exactly
		const want = headLabel(c.heads[0]![h], c.S, c.period)?.kind ?? '';
		if (backend === 'wasm') await expect(thumbs.nth(h)).toHaveAttribute('data-label', want);
		await expect(thumbs.nth(h)).toHaveAttribute('title', /previous \d\.\d{3} · first/);
	}

	await page.getByTestId('repeat-text').click();
	await expect(page.getByTestId('induction-measured')).toBeVisible({ timeout: 90_000 });
	await waitReady(page);
	await expect(thumbs.first()).toHaveAttribute('title', /induction \d\.\d{3}/);
	const again = await hookInfo(page);
	expect(again.input.text).toBe(text + text);
});
