import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// A single-page app of static files: everything runs in the browser, offline.
		adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html' }),
		// Serve under a sub-path (e.g. BLOCKSCOPE_BASE=/blockscope for a project page); empty: the root.
		paths: { base: process.env.BLOCKSCOPE_BASE ?? '' }
	}
};

export default config;
