import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// A single-page app of static files: everything runs in the browser, offline.
		adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html' }),
		// Serve under a sub-path (e.g. BLOCKSCOPE_BASE=/blockscope for a project page); empty: the root.
		paths: { base: process.env.BLOCKSCOPE_BASE ?? '' },
		// Content-Security-Policy (issue 8; docs/security.md): a <meta> tag in every built page, with
		// hashes for SvelteKit's own inline boot script. Scripts only from the app itself, plus
		// 'wasm-unsafe-eval' so onnxruntime-web can compile its .wasm; no remote fonts, images,
		// styles or connections; no plugins, frames or form posts. Inline styles stay allowed
		// (Svelte writes style attributes); they cannot run code or reach the network under this policy.
		csp: {
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				'script-src': ['self', 'wasm-unsafe-eval'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'worker-src': ['self'],
				'manifest-src': ['self'],
				'media-src': ['none'],
				'object-src': ['none'],
				'frame-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['none']
			}
		}
	}
};

export default config;
