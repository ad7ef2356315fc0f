/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
// Offline: after the first visit the app works with the network off. On install this
// caches the built app (`build`, `files`, `prerendered` from SvelteKit), onnxruntime-web's glue and
// .wasm under /ort/, and the zoo under /models/ (index.json and every model it lists). Requests are
// then answered from that cache first; anything else of the app's own origin goes to the network
// and falls back to the cache. Other origins are never touched (the app makes no such requests).
//
// Cross-origin isolation: multi-threaded WASM needs `crossOriginIsolated`, which needs the page and
// its workers served with COOP/COEP. Every response this worker hands back carries those headers
// (added where the server or the cache lacks them), so a page loaded from the cache keeps them.
//
// Models the user opens from disk never pass through here: they are read in the page, never fetched.
import { base, build, files, prerendered, version } from '$service-worker';
import { ORT_FILES } from '../scripts/ort-files';

const sw = self as unknown as ServiceWorkerGlobalScope;

const CACHE = `blockscope-${version}`;
const ISOLATION: Record<string, string> = {
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Embedder-Policy': 'require-corp',
	'Cross-Origin-Resource-Policy': 'same-origin'
};

const root = `${base}/`;
const precache = [...new Set([...build, ...files, ...prerendered, root, ...ORT_FILES.map((f) => `${base}/ort/${f}`)])];

/** The zoo as the deployed index lists it (no index: no zoo, e.g. a build without models). */
async function zooUrls(): Promise<string[]> {
	try {
		const res = await fetch(`${base}/models/index.json`, { cache: 'no-cache' });
		if (!res.ok) return [];
		const index = (await res.json()) as { file?: unknown }[];
		const names = index.map((e) => e.file).filter((f): f is string => typeof f === 'string' && /^[\w.-]+\.onnx$/.test(f));
		return [`${base}/models/index.json`, ...names.map((f) => `${base}/models/${f}`)];
	} catch {
		return [];
	}
}

/**
 * Files a built script refers to by a relative URL that SvelteKit's `build` list leaves out: the
 * Web Worker bundle (`new URL("../workers/worker-*.js", import.meta.url)`) and what it imports.
 */
function referenced(script: string, from: string): string[] {
	const out: string[] = [];
	for (const m of script.matchAll(/["'`]((?:\.{1,2}\/)+[\w./-]+\.(?:js|mjs|wasm|css))["'`]/g)) {
		const url = new URL(m[1], new URL(from, sw.location.href));
		if (url.origin === sw.location.origin && url.pathname.startsWith(`${base}/_app/`)) out.push(url.pathname);
	}
	return out;
}

async function install(): Promise<void> {
	const cache = await caches.open(CACHE);
	const queue = [...precache, ...(await zooUrls())];
	const seen = new Set(queue);
	// One by one rather than addAll: a file missing from one deployment must not fail the rest.
	const get = async (url: string): Promise<void> => {
		try {
			const res = await fetch(url, { cache: 'no-cache' });
			if (!res.ok || res.redirected) return;
			if (/\.m?js$/.test(url)) {
				for (const ref of referenced(await res.clone().text(), url))
					if (!seen.has(ref)) {
						seen.add(ref);
						await get(ref);
					}
			}
			await cache.put(url, res);
		} catch {
			/* offline during install: it is fetched (and cached) on first use instead */
		}
	};
	await Promise.all(queue.map(get));
}

/** The same response with the isolation headers set (a cached copy may predate them). */
function isolated(res: Response): Response {
	if (res.type === 'opaque' || res.type === 'opaqueredirect' || res.status === 0) return res;
	if (Object.entries(ISOLATION).every(([k, v]) => res.headers.get(k) === v)) return res;
	const headers = new Headers(res.headers);
	for (const [k, v] of Object.entries(ISOLATION)) headers.set(k, v);
	return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

async function respond(request: Request): Promise<Response> {
	const url = new URL(request.url);
	const cache = await caches.open(CACHE);
	if (request.mode === 'navigate') {
		// The page itself: the network when there is one (a new deploy shows at once), else the cached app.
		try {
			const res = await fetch(request);
			if (res.ok && !res.redirected && url.pathname === root) await cache.put(root, res.clone());
			return isolated(res);
		} catch {
			const cached = (await cache.match(root)) ?? (await cache.match(request, { ignoreSearch: true }));
			if (cached) return isolated(cached);
			return new Response('blockscope is offline and this page was not cached yet.', {
				status: 503,
				headers: { 'Content-Type': 'text/plain', ...ISOLATION }
			});
		}
	}
	const cached = await cache.match(url.pathname);
	if (cached) return isolated(cached);
	try {
		const res = await fetch(request);
		// Remember the app's own files (e.g. a worker chunk) so they work offline next time.
		if (res.ok && res.type === 'basic' && !url.search) await cache.put(url.pathname, res.clone());
		return isolated(res);
	} catch (e) {
		const fallback = await cache.match(request, { ignoreSearch: true });
		if (fallback) return isolated(fallback);
		throw e;
	}
}

if (!import.meta.env.DEV) {
	sw.addEventListener('install', (event) => {
		event.waitUntil(install().then(() => sw.skipWaiting()));
	});

	sw.addEventListener('activate', (event) => {
		event.waitUntil(
			(async () => {
				for (const key of await caches.keys()) if (key !== CACHE && key.startsWith('blockscope-')) await caches.delete(key);
				await sw.clients.claim();
			})()
		);
	});

	sw.addEventListener('fetch', (event) => {
		const { request } = event;
		if (request.method !== 'GET') return;
		const url = new URL(request.url);
		// Only the app's own files, under its own base path. Everything else is left to the browser.
		if (url.origin !== sw.location.origin || !(url.pathname === base || url.pathname.startsWith(root))) return;
		if (request.headers.has('range')) return;
		event.respondWith(respond(request));
	});
}
