// Issue 5's end-to-end helpers: the inspect CLI's numbers for the same model and input (run in the
// test process, the CLI's own pipeline), and pointer moves onto chart marks.
import type { Locator, Page } from '@playwright/test';
import { inspectModel } from '../../src/cli/run';
import { statsOf } from '../../src/cli/check';
import type { ModelStats } from '../../src/lib/report';
import { expect } from './backend';

const cache = new Map<string, Promise<ModelStats>>();

/** layers[i].stats and final_norm_stats as `npm run -s inspect -- models/<id>.onnx --json --text ...` prints them. */
export function cliStats(id: string, text: string): Promise<ModelStats> {
	const key = `${id}\u0000${text}`;
	let p = cache.get(key);
	if (!p) {
		p = inspectModel({ model: `models/${id}.onnx`, text, threads: 1 }).then((r) => {
			const s = statsOf(r);
			if (!s) throw new Error(`inspect: no stats for ${id}`);
			return s;
		});
		cache.set(key, p);
	}
	return p;
}

/** Mean over tokens, in token order, as the page's charts compute it. */
export function meanOf(v: readonly number[]): number {
	let s = 0;
	for (const x of v) s += x;
	return s / v.length;
}

/**
 * Page vs CLI: both read float32 tensors from onnxruntime-web (the page in Chromium, the CLI in
 * Node, both WASM here), so they agree to float32 rounding; WebGPU (SwiftShader) sums in other
 * orders: 1e-3 relative.
 */
export function expectNear(got: string | null, want: number, backend: 'webgpu' | 'wasm', what: string): void {
	expect(got, what).not.toBeNull();
	const g = Number(got);
	expect(String(g), `${what}: data-value is a plain number`).toBe(got);
	const tol = backend === 'webgpu' ? 1e-3 : 1e-5;
	expect(Math.abs(g - want), `${what}: page ${got} vs CLI ${want}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want)));
}

/** Hovers bar `token` of a per-token chart (its plot area is `chart-area`). */
export async function hoverBar(page: Page, chart: Locator, token: number): Promise<void> {
	const area = chart.getByTestId('chart-area');
	await area.scrollIntoViewIfNeeded();
	const n = Number(await chart.getAttribute('data-tokens'));
	const box = (await area.boundingBox())!;
	await page.mouse.move(box.x + ((token + 0.5) * box.width) / n, box.y + box.height * 0.6);
}

/** Moves the pointer onto a chart marker (an SVG circle) and returns its data-value. */
export async function hoverPoint(page: Page, point: Locator): Promise<string> {
	await point.scrollIntoViewIfNeeded();
	const box = (await point.boundingBox())!;
	await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
	return (await point.getAttribute('data-value'))!;
}
