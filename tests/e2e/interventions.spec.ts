// The what-if view: an ablated head changes its own z first and nothing before it, the outputs
// move, and the lens grid and attribution bars show the numbers the inspect CLI computes for the
// same intervened run; a patched position changes only what comes after the patched tensor;
// interventions are listed, removable, and in the URL.
import { readFileSync } from 'node:fs';
import { test, expect, waitReady } from './backend';
import { Graph, readModel } from '../../src/lib/onnx';
import { analyze } from '../../src/lib/analysis';
import { inspectWhatIf } from '../../src/cli/what-if';
import { whatIfArgs } from '../../src/cli/what-if-args';
import { inspectModel } from '../../src/cli/run';
import { hoverCell } from './helpers';

const TOL = (backend: string) => (backend === 'webgpu' ? 2e-3 : 1e-4);

/** The CLI's logit of token `id` at `pos` with head 1.1 ablated. */
async function cliLogit(id: number, pos: number): Promise<number> {
	const w = await inspectWhatIf(
		{ model: 'models/pre-ln.onnx' },
		whatIfArgs({ ablate: '1.1', attribute: String(id), position: String(pos) })
	);
	return (w.section(w.r) as { attribution: { logit: number } }).attribution.logit;
}

async function waitWhatIf(page: import('@playwright/test').Page): Promise<void> {
	await waitReady(page);
	const view = page.getByTestId('whatif-view');
	await expect(view).toHaveAttribute('data-state', /^(ready|error)$/, { timeout: 90_000 });
	const err = page.getByTestId('whatif-error');
	if (await err.count()) throw new Error(`The what-if view reported: ${await err.textContent()}`);
}

test('ablating head 0.1: its z changes first, the lens and the attribution match the CLI', async ({ page, open, backend }) => {
	process.env.BLOCKSCOPE_THREADS = '1';
	await open('model=pre-ln&ablate=0.1');
	await waitWhatIf(page);
	const cli = await inspectWhatIf({ model: 'models/pre-ln.onnx' }, whatIfArgs({ ablate: '0.1', lens: true, attribute: 'top' }));
	const fields = cli.section(cli.r) as {
		intervention: { list: { tensor: string }[] };
		lens: { top: { id: number; p: number }[][] }[];
		attribution: { target: number; components: { name: string; value: number }[]; sum: number; logit: number };
	};
	const view = page.getByTestId('whatif-view');
	await expect(page.getByTestId('whatif-item')).toHaveAttribute('data-spec', '0.1');
	// The head's own z is the first tensor that differs from the clean run.
	await expect(view).toHaveAttribute('data-first', fields.intervention.list[0].tensor);
	expect(Number(await view.getAttribute('data-outputs-moved'))).toBeGreaterThan(1e-3);

	// Attribution bars: the CLI's components, the ablated head at exactly 0.
	const bars = page.getByTestId('attribution-bars');
	await expect(bars).toHaveAttribute('data-target', String(fields.attribution.target));
	const values = await page
		.getByTestId('attribution-bar')
		.evaluateAll((els) => els.map((e) => [e.getAttribute('data-name'), Number(e.getAttribute('data-value'))] as const));
	expect(values.map(([n]) => n)).toEqual(fields.attribution.components.map((c) => c.name));
	values.forEach(([, v], i) => expect(Math.abs(v - fields.attribution.components[i].value)).toBeLessThanOrEqual(TOL(backend)));
	expect(values.find(([n]) => n === 'L0H1')![1]).toBe(0);
	expect(Math.abs(Number(await bars.getAttribute('data-sum')) - Number(await bars.getAttribute('data-logit')))).toBeLessThanOrEqual(1e-4);

	// Lens grid: the CLI's top-1 token and probability in every cell.
	const cells = await page
		.getByTestId('lens-cell')
		.evaluateAll((els) => els.map((e) => ({ id: Number(e.getAttribute('data-id')), p: Number(e.getAttribute('data-p')) })));
	const want = fields.lens.flatMap((pt) => pt.top.map((t) => t[0]));
	expect(cells).toHaveLength(want.length);
	cells.forEach((c, i) => expect(Math.abs(c.p - want[i].p)).toBeLessThanOrEqual(TOL(backend)));
	expect(cells.filter((c, i) => c.id !== want[i].id).length).toBeLessThanOrEqual(backend === 'webgpu' ? 2 : 0);

	// Removing it leaves no intervention, and the URL follows.
	await page.getByTestId('whatif-remove').click();
	await expect(page.getByTestId('whatif-item')).toHaveCount(0);
	await expect(view).toHaveAttribute('data-state', 'idle');
	await expect(page).not.toHaveURL(/ablate=0\.1/);
});

test('patching one position from run B changes nothing before the patched tensor', async ({ page, open, backend }) => {
	test.skip(backend === 'webgpu', 'where a patch lands does not depend on the backend: the wasm project checks it');
	await open('model=pre-ln');
	await waitReady(page);
	await page.getByTestId('whatif-open').click();
	await page.getByTestId('whatif-source').fill('a dog ran in the fog!!');
	await page.getByTestId('whatif-source').dispatchEvent('change');
	await page.getByTestId('whatif-kind').selectOption('patch');
	await page.getByTestId('whatif-spec').fill('blocks.1.hook_resid_pre@pos=4');
	await page.getByTestId('whatif-add').click();
	await expect(page).toHaveURL(/patch=blocks\.1\.hook_resid_pre%40pos%3D4/);
	await waitWhatIf(page);
	const view = page.getByTestId('whatif-view');
	// Block 0's output is the first tensor that differs: nothing computed before it changed.
	const g = new Graph(readModel(new Uint8Array(readFileSync('models/pre-ln.onnx'))));
	await expect(view).toHaveAttribute('data-first', analyze(g).hookTensors.get('blocks.1.hook_resid_pre')!);
	expect(Number(await view.getAttribute('data-outputs-moved'))).toBeGreaterThan(0);
});

test('the head grid and the flow toggle interventions; flip to the clean run; lens cells pick the target and a foil', async ({
	page,
	open,
	backend
}) => {
	process.env.BLOCKSCOPE_THREADS = '1';
	await open('model=pre-ln&layer=1');
	await waitReady(page);
	// The head grid's toggle opens the what-if view with that head ablated (the same URL key).
	await page.locator('[data-testid="head-ablate"][data-head="1"]').click();
	await expect(page).toHaveURL(/ablate=1\.1/);
	await waitWhatIf(page);
	await expect(page.getByTestId('whatif-item')).toHaveAttribute('data-spec', '1.1');
	await expect(page.locator('[data-testid="head-ablate"][data-head="1"]')).toHaveAttribute('aria-pressed', 'true');

	// Layer 2's pattern moved: hover a cell, flip to the clean run, the same cell shows the clean value.
	await page.getByTestId('layer-next').click();
	const heads = page.getByTestId('whatif-heads');
	await expect(heads).toHaveAttribute('data-run', 'intervened');
	await expect(page.getByTestId('whatif-showing')).toHaveText('showing: intervened run');
	const map = heads.getByTestId('attention-heatmap');
	const cli = await inspectWhatIf({ model: 'models/pre-ln.onnx', capture: 'all' }, whatIfArgs({ ablate: '1.1' }));
	const clean = await inspectModel({ model: 'models/pre-ln.onnx', capture: 'all' });
	const name = cli.r.recognition.structure!.hookTensors.get('blocks.2.attn.hook_pattern')!;
	const S = cli.r.store.get(name)!.dims[2];
	const at = (store: typeof clean.store) => (store.get(name)!.data as Float32Array)[(0 * S + 5) * S + 2]; // head 0, query 5, key 2
	const hover = page.getByTestId('whatif-hover');
	await map.scrollIntoViewIfNeeded();
	await hoverCell(page, map, 5, 2);
	await expect(hover).toHaveAttribute('data-run', 'intervened');
	expect(Math.abs(Number(await hover.getAttribute('data-value')) - at(cli.r.store))).toBeLessThanOrEqual(TOL(backend));
	await page.getByTestId('whatif-flip').click();
	await expect(page.getByTestId('whatif-showing')).toHaveText('showing: clean run');
	await hoverCell(page, map, 4, 2);
	await hoverCell(page, map, 5, 2);
	await expect(hover).toHaveAttribute('data-run', 'clean');
	expect(Math.abs(Number(await hover.getAttribute('data-value')) - at(clean.store))).toBeLessThanOrEqual(TOL(backend));
	expect(Math.abs(at(clean.store) - at(cli.r.store))).toBeGreaterThan(1e-4);

	// A lens cell: its token at its position becomes the target; shift-click another token there: the foil.
	const cells = await page
		.getByTestId('lens-cell')
		.evaluateAll((els) => els.map((e) => ({ id: Number(e.getAttribute('data-id')), pos: Number(e.getAttribute('data-pos')) })));
	const pair = cells.flatMap((a) => cells.filter((b) => b.pos === a.pos && b.id !== a.id).map((b) => [a, b] as const))[0];
	expect(pair, 'a position where two lens cells disagree').toBeTruthy();
	const [t, f] = pair;
	const cell = (c: { id: number; pos: number }) =>
		page.locator(`[data-testid="lens-cell"][data-pos="${c.pos}"][data-id="${c.id}"] button`).first();
	await cell(t).click();
	await expect(page).toHaveURL(new RegExp(`attribute=${t.id}%40pos%3D${t.pos}`));
	await waitWhatIf(page);
	const bars = page.getByTestId('attribution-bars');
	await expect(bars).toHaveAttribute('data-target', String(t.id));
	await expect(bars).toHaveAttribute('data-position', String(t.pos));
	await cell(f).click({ modifiers: ['Shift'] });
	await expect(page).toHaveURL(new RegExp(`attribute_foil=${f.id}`));
	await expect(bars).toHaveAttribute('data-foil', String(f.id));
	const diffWant = (await cliLogit(t.id, t.pos)) - (await cliLogit(f.id, t.pos));
	expect(Math.abs(Number(await bars.getAttribute('data-logit')) - diffWant)).toBeLessThanOrEqual(TOL(backend));
	expect(Math.abs(Number(await bars.getAttribute('data-sum')) - diffWant)).toBeLessThanOrEqual(TOL(backend));

	// Closed, the residual flow's toggle zeroes a branch the same way (?zero=), and the view opens again.
	await page.getByTestId('whatif-view').getByRole('button', { name: 'close' }).click();
	await page.locator('[data-testid="branch-zero"][data-spec="blocks.0.mlp"]').click();
	await expect(page).toHaveURL(/zero=blocks\.0\.mlp/);
	await expect(page.getByTestId('whatif-item')).toHaveCount(1);
	await expect(page.getByTestId('whatif-item')).toHaveAttribute('data-spec', 'blocks.0.mlp');
	await waitWhatIf(page);
	await expect(page.locator('[data-testid="branch-zero"][data-spec="blocks.0.mlp"]')).toHaveAttribute('aria-pressed', 'true');
});

test('a head inside a fused Attention op (ORT-fused GPT-2): its slice of the op output is the first change', async ({ page, open }) => {
	await open('model=gpt2-ort-fused&ablate=0.1');
	await waitWhatIf(page);
	const g = new Graph(readModel(new Uint8Array(readFileSync('models/gpt2-ort-fused.onnx'))));
	const z = analyze(g).layers[0].attention!.fused!.output;
	const view = page.getByTestId('whatif-view');
	await expect(view).toHaveAttribute('data-first', z);
	expect(Number(await view.getAttribute('data-outputs-moved'))).toBeGreaterThan(1e-4);
	await expect(page.locator('[data-testid="head-ablate"][data-head="1"]')).toHaveAttribute('aria-pressed', 'true');
});
