// Offline: after one visit, the service worker has cached the app, onnxruntime's files
// and the zoo; with the network off, a reload reaches "ready" on the same backend, still
// cross-origin isolated (the cached responses keep COOP/COEP, so WASM keeps its threads).
import { test, expect, waitReady } from './backend';
import type { Page } from '@playwright/test';
import type {} from '../../src/lib/worker/test-hook'; // window.__blockscope

/**
 * Offline is what the network does, not navigator.onLine (some Chromium builds keep it true): a
 * file no cache holds is answered by the server (200 or 404) online, and cannot be fetched offline.
 */
function probe(page: Page): Promise<string> {
	return page.evaluate(() =>
		fetch(`/offline-probe-${Date.now()}`, { cache: 'no-store' }).then(
			(r) => `answered ${r.status}`,
			() => 'failed'
		)
	);
}

test('works offline after the first visit', async ({ page, context, open, backend }) => {
	await open();
	await waitReady(page);
	const first = await page.evaluate(() => ({ info: window.__blockscope!.info(), isolated: window.crossOriginIsolated }));
	expect(first.isolated).toBe(true);

	// The service worker is active, controls the page, and has cached what a reload needs.
	const cached = await page.evaluate(async () => {
		const reg = await navigator.serviceWorker.ready;
		if (!navigator.serviceWorker.controller)
			await new Promise<void>((r) => navigator.serviceWorker.addEventListener('controllerchange', () => r(), { once: true }));
		const keys = await caches.keys();
		const cache = await caches.open(keys.find((k) => k.startsWith('blockscope-'))!);
		const urls = (await cache.keys()).map((r) => new URL(r.url).pathname);
		return { active: reg.active?.state, keys, urls };
	});
	expect(cached.active).toBe('activated');
	expect(cached.keys.filter((k) => k.startsWith('blockscope-'))).toHaveLength(1);
	expect(cached.urls).toEqual(
		expect.arrayContaining([
			'/',
			'/ort/ort-wasm-simd-threaded.asyncify.wasm',
			'/ort/ort-wasm-simd-threaded.asyncify.mjs',
			`/models/${first.info.model}`
		])
	);
	expect(
		cached.urls.some((u) => /^\/_app\/immutable\/workers\/.+\.js$/.test(u)),
		'the worker bundle'
	).toBe(true);

	expect(await probe(page), 'the same request online').toMatch(/^answered \d+$/);
	await context.setOffline(true);
	try {
		await page.reload();
		await waitReady(page);
		const again = await page.evaluate(() => ({ info: window.__blockscope!.info(), isolated: window.crossOriginIsolated }));
		expect(await probe(page), 'a request only the server could answer').toBe('failed');
		expect(again.isolated, 'cross-origin isolated when served from the cache').toBe(true);
		expect(again.info.backend).toBe(backend);
		expect(again.info.model).toBe(first.info.model);
		expect(again.info.attention.length).toBe(first.info.attention.length);
		const t = await page.evaluate((n) => window.__blockscope!.tensor(n), first.info.attention[0].tensor);
		expect(t?.dims.length).toBeGreaterThan(1);
		// A page the cache never saw (another query) still opens: the app shell serves every URL.
		await page.goto(`/?seed=3${backend === 'wasm' ? '&backend=wasm' : ''}`);
		await waitReady(page);
		expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
	} finally {
		await context.setOffline(false);
	}
});
