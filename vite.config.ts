import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { resolve } from 'node:path';
import { blockscopeAssets } from './scripts/vite-assets';

// Cross-origin isolation lets onnxruntime-web use multi-threaded WASM (SharedArrayBuffer).
const isolation = {
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Embedder-Policy': 'require-corp'
};

export default defineConfig({
	plugins: [blockscopeAssets({ headers: isolation }), sveltekit()],
	server: { headers: isolation, fs: { allow: ['models'] } },
	preview: { headers: isolation },
	worker: { format: 'es' },
	resolve: {
		// The WebGPU build without its glue code embedded: the runtime loads the glue and the .wasm
		// from the app's own /ort/ (env.wasm.wasmPaths), and the build does not carry a second
		// copy of the 25 MB .wasm that the bundled variant's `new URL(..., import.meta.url)` pulls in.
		alias: [{ find: /^onnxruntime-web\/webgpu$/, replacement: resolve('node_modules/onnxruntime-web/dist/ort.webgpu.min.mjs') }]
	},
	optimizeDeps: {
		exclude: ['onnxruntime-web'],
		// Pre-bundled up front, so the first visit in dev does not reload when the worker finds them.
		include: [
			'@bufbuild/protobuf',
			'@bufbuild/protobuf/codegenv2',
			'd3-array',
			'd3-axis',
			'd3-scale',
			'd3-scale-chromatic',
			'd3-selection',
			'd3-shape'
		]
	},
	test: {
		include: ['tests/unit/**/*.test.ts'],
		environment: 'node',
		testTimeout: 60_000,
		pool: 'forks'
	}
});
