// Serves what the app loads at run time from this repo, never from a CDN:
//   /ort/*     onnxruntime-web's .wasm/.mjs files (from node_modules)
//   /models/*  the zoo (.onnx files and index.json, from models/)
// In dev and preview they are served from disk; in a build they are emitted into the output.
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Plugin, Connect } from 'vite';

const ORT_DIR = resolve('node_modules/onnxruntime-web/dist');
const MODELS_DIR = resolve('models');
// The WebGPU bundle loads the asyncify build for both of its EPs (webgpu and wasm).
const ORT_FILES = [
	'ort-wasm-simd-threaded.asyncify.wasm',
	'ort-wasm-simd-threaded.asyncify.mjs'
];

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

function serve(prefix: string, dir: string, allowed: () => string[]): Connect.NextHandleFunction {
	return (req, res, next) => {
		const url = (req.url ?? '').split('?')[0];
		if (!url.startsWith(prefix)) return next();
		const file = decodeURIComponent(url.slice(prefix.length));
		if (!allowed().includes(file)) return next();
		const path = join(dir, file);
		const ext = file.slice(file.lastIndexOf('.'));
		res.setHeader('Content-Type', TYPES[ext] ?? 'application/octet-stream');
		res.setHeader('Content-Length', String(statSync(path).size));
		res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
		createReadStream(path).pipe(res);
	};
}

export function blockscopeAssets(): Plugin {
	const middleware = (server: { middlewares: Connect.Server }) => {
		server.middlewares.use(serve('/ort/', ORT_DIR, () => ORT_FILES));
		server.middlewares.use(serve('/models/', MODELS_DIR, modelFiles));
	};
	return {
		name: 'blockscope-assets',
		configureServer: middleware,
		generateBundle(options) {
			// Only the client build carries assets; SvelteKit's server build runs in the same config.
			if (this.environment?.name === 'ssr' || (options.dir ?? '').includes('server')) return;
			for (const f of ORT_FILES)
				this.emitFile({ type: 'asset', fileName: `ort/${f}`, source: readFileSync(join(ORT_DIR, f)) });
			for (const f of modelFiles())
				this.emitFile({ type: 'asset', fileName: `models/${f}`, source: readFileSync(join(MODELS_DIR, f)) });
		}
	};
}
