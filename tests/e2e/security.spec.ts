// Issue 8, "Security", in Chromium against the production build: nothing leaves the app's own
// origin while a model is opened, run and inspected (the page, its worker, onnxruntime's threads
// and the service worker included); the Content-Security-Policy is in the page, onnxruntime runs
// under it without a single violation, and it blocks what it should; names holding HTML stay text.
import { encodeModel, buildModel, node, tensorF32, valueInfo, DT } from '../../src/lib/onnx/build';
import { test, expect, waitReady } from './backend';
import type {} from '../../src/lib/worker/test-hook'; // window.__blockscope

const XSS = '<img src=x onerror="window.__pwned=1">';

/** A small model whose every name carries HTML (node names, tensor names, metadata). */
function htmlNamedModel(): Uint8Array {
	const n = (s: string) => `${s}${XSS}`;
	return encodeModel(
		buildModel({
			name: n('graph'),
			nodes: [
				node('MatMul', [n('x'), n('w')], [n('h')], {}, { name: n('matmul') }),
				node('Relu', [n('h')], [n('y')], {}, { name: n('relu') })
			],
			inputs: [valueInfo(n('x'), DT.FLOAT, [1, 'seq', 4])],
			outputs: [valueInfo(n('y'), DT.FLOAT, [1, 'seq', 4])],
			initializers: [
				tensorF32(
					n('w'),
					[4, 4],
					Array.from({ length: 16 }, (_, i) => ((i % 5) - 2) / 4)
				)
			],
			metadata: { description: `<script>window.__pwned=1</script>${XSS}` }
		})
	);
}

declare global {
	interface Window {
		__csp?: { directive: string; blocked: string }[];
		__pwned?: number;
	}
}

test.beforeEach(async ({ page }) => {
	// Every CSP violation the document sees, from before the app's first script runs.
	await page.addInitScript(() => {
		window.__csp = [];
		document.addEventListener('securitypolicyviolation', (e) =>
			window.__csp!.push({ directive: e.effectiveDirective, blocked: e.blockedURI })
		);
	});
});

test('no request leaves the app origin while opening, running and inspecting models', async ({ page, context, open, baseURL }) => {
	const origin = new URL(baseURL!).origin;
	const requests: string[] = [];
	context.on('request', (r) => requests.push(r.url()));
	await open();
	await waitReady(page);
	expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);

	// Inspect: read tensors through the hook, step through the tensor list, pick a layer.
	const names = await page.evaluate(() => window.__blockscope!.names());
	expect(names.length).toBeGreaterThan(10);
	const rows = page.getByTestId('tensor-row');
	for (let i = 0; i < Math.min(3, await rows.count()); i++) await rows.nth(i).click();
	const next = page.getByTestId('layer-next');
	if (await next.count()) await next.first().click();

	// Open a model from disk whose names are HTML: it is shown as text, nothing of it runs.
	const file = page.getByTestId('model-file');
	if (await file.count()) {
		await file.setInputFiles({ name: 'html-names.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(htmlNamedModel()) });
		await page.waitForFunction(() => window.__blockscope?.info().model === 'html-names.onnx', undefined, { timeout: 120_000 });
		await waitReady(page);
		expect(await page.evaluate(() => window.__blockscope!.names())).toContain(`y${XSS}`);
		await expect(page.locator('img[src="x"]')).toHaveCount(0);
		await expect(page.locator('body script:not([src])')).toHaveCount(1); // SvelteKit's boot script only
		if (await rows.count()) await rows.last().click();
	}
	expect(await page.evaluate(() => window.__pwned)).toBeUndefined();

	// Let the service worker finish caching the app (its requests count too).
	await page.evaluate(async () => {
		if ('serviceWorker' in navigator) await navigator.serviceWorker.ready;
	});
	const network = requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:'));
	expect(network.length).toBeGreaterThan(5);
	expect(network.filter((u) => new URL(u).origin !== origin)).toEqual([]);
	expect(network.some((u) => u.includes('/ort/') && u.endsWith('.wasm'))).toBe(true);
	expect(await page.evaluate(() => window.__csp)).toEqual([]); // onnxruntime and the worker ran without a violation
});

test('the Content-Security-Policy is in the built page, and the browser enforces it', async ({ page, request, open }) => {
	const html = await (await request.get('/')).text();
	const meta = /<meta http-equiv="content-security-policy" content="([^"]+)">/.exec(html);
	expect(meta, 'a CSP <meta> tag in index.html').not.toBeNull();
	const policy = new Map(
		meta![1]
			.split(';')
			.map((d) => d.trim().split(/\s+/))
			.map(([k, ...v]) => [k, v])
	);
	expect(policy.get('default-src')).toEqual(["'self'"]);
	const scripts = policy.get('script-src')!;
	expect(scripts.slice(0, 2)).toEqual(["'self'", "'wasm-unsafe-eval'"]);
	expect(scripts.slice(2).every((s) => /^'sha256-[A-Za-z0-9+/=]+'$/.test(s))).toBe(true); // SvelteKit's boot script, by hash
	expect(scripts.length).toBeGreaterThan(2);
	for (const d of ['connect-src', 'font-src', 'worker-src']) expect(policy.get(d), d).toEqual(["'self'"]);
	expect(policy.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
	expect(policy.get('object-src')).toEqual(["'none'"]);
	expect(meta![1]).not.toMatch(/https?:|'unsafe-eval'|\*/);

	await open();
	await waitReady(page);
	const blocked = await page.evaluate(async () => {
		const out: Record<string, string> = {};
		try {
			await fetch('https://example.com/');
			out.fetch = 'allowed';
		} catch {
			out.fetch = 'blocked';
		}
		const s = document.createElement('script');
		s.textContent = 'window.__pwned = 1';
		document.body.append(s);
		out.inline = window.__pwned === undefined ? 'blocked' : 'allowed';
		out.image = await new Promise<string>((resolve) => {
			const img = new Image();
			img.onload = () => resolve('allowed');
			img.onerror = () => resolve('blocked');
			img.src = 'https://example.com/pixel.png';
		});
		out.blobWorker = await new Promise<string>((resolve) => {
			try {
				const w = new Worker(URL.createObjectURL(new Blob(['postMessage(1)'], { type: 'text/javascript' })));
				w.onmessage = () => resolve('allowed');
				w.onerror = () => resolve('blocked');
			} catch {
				resolve('blocked');
			}
		});
		await new Promise((r) => setTimeout(r, 200)); // violation events are queued
		return { out, directives: [...new Set(window.__csp!.map((v) => v.directive))].sort() };
	});
	// (eval is not tried here: code run through DevTools, as page.evaluate is, is exempt from CSP;
	// the policy above has no 'unsafe-eval', which is what forbids it.)
	expect(blocked.out).toEqual({ fetch: 'blocked', inline: 'blocked', image: 'blocked', blobWorker: 'blocked' });
	expect(blocked.directives).toEqual(['connect-src', 'img-src', 'script-src-elem', 'worker-src'].sort());
});
