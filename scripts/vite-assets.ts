// Serves what the app loads at run time from this repo, never from a CDN:
//   /ort/*     onnxruntime-web's .wasm/.mjs files (from node_modules)
//   /models/*  the zoo (.onnx files and index.json, from models/)
// In dev and preview they are served from disk; in a build they are emitted into the output.
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Plugin, Connect } from 'vite';
import { ORT_FILES } from './ort-files';

const ORT_DIR = resolve('node_modules/onnxruntime-web/dist');
// BLOCKSCOPE_MODELS_DIR serves another folder (tests use fixture models before/apart from the zoo).
const MODELS_DIR = resolve(process.env.BLOCKSCOPE_MODELS_DIR || 'models');

function modelFiles(): string[] {
	if (!existsSync(MODELS_DIR)) return [];
	return readdirSync(MODELS_DIR).filter((f) => f.endsWith('.onnx') || f === 'index.json');
}

const TYPES: Record<string, string> = {
	'.wasm': 'application/wasm',
	'.mjs': 'text/javascript',
	'.json': 'application/json',
	'.onnx': 'application/octet-stream'
};

function serve(prefix: () => string, dir: string, allowed: () => readonly string[]): Connect.NextHandleFunction {
	return (req, res, next) => {
		const url = (req.url ?? '').split('?')[0];
		if (!url.startsWith(prefix())) return next();
		const file = decodeURIComponent(url.slice(prefix().length));
		if (!allowed().includes(file)) return next();
		const path = join(dir, file);
		const ext = file.slice(file.lastIndexOf('.'));
		res.setHeader('Content-Type', TYPES[ext] ?? 'application/octet-stream');
		res.setHeader('Content-Length', String(statSync(path).size));
		res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
		createReadStream(path).pipe(res);
	};
}

/**
 * `headers` go on every response, in dev and preview. Vite's own `preview.headers` do not reach
 * pages and assets that SvelteKit's preview middleware answers, so cross-origin isolation
 * (COOP/COEP, needed for multi-threaded WASM) is set here, before anything else answers.
 */
export function blockscopeAssets(opts: { headers?: Record<string, string> } = {}): Plugin {
	const headers = opts.headers ?? {};
	const setHeaders: Connect.NextHandleFunction = (_req, res, next) => {
		for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
		next();
	};
	// The dev server's base path (kit.paths.base), so /ort/ and /models/ sit under it like the page.
	let base = '/';
	const middleware = (server: { middlewares: Connect.Server }) => {
		server.middlewares.use(setHeaders);
		server.middlewares.use(
			serve(
				() => `${base}ort/`,
				ORT_DIR,
				() => ORT_FILES
			)
		);
		server.middlewares.use(serve(() => `${base}models/`, MODELS_DIR, modelFiles));
	};
	return {
		name: 'blockscope-assets',
		// Before SvelteKit's plugins (also 'pre'), so its middlewares come after ours.
		enforce: 'pre',
		configResolved(config) {
			if (config.command === 'serve' && config.base.startsWith('/')) base = config.base.endsWith('/') ? config.base : `${config.base}/`;
		},
		configureServer: middleware,
		// Preview serves the build (where ort/ and models/ were emitted); only the headers are needed.
		configurePreviewServer: (server) => {
			server.middlewares.use(setHeaders);
		},
		generateBundle(options) {
			// Only the client build carries assets; SvelteKit's server build runs in the same config.
			if (this.environment?.name === 'ssr' || (options.dir ?? '').includes('server')) return;
			for (const f of ORT_FILES) this.emitFile({ type: 'asset', fileName: `ort/${f}`, source: readFileSync(join(ORT_DIR, f)) });
			for (const f of modelFiles()) this.emitFile({ type: 'asset', fileName: `models/${f}`, source: readFileSync(join(MODELS_DIR, f)) });
		}
	};
}
