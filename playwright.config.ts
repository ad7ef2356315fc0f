// End-to-end tests in Debian's Chromium (never a downloaded browser) against a production build
// served by `vite preview`. scripts/test.mjs finds Chromium and a free port; run it via `npm test`.
import { defineConfig } from '@playwright/test';
import type { BackendOption } from './tests/e2e/backend';

const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const quiet = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const port = Number(process.env.BLOCKSCOPE_E2E_PORT || 4391);

export default defineConfig<BackendOption>({
	testDir: 'tests/e2e',
	timeout: 120_000,
	expect: { timeout: 60_000 },
	// Two cores: one browser at a time keeps WebGPU-on-SwiftShader timings sane.
	workers: 1,
	fullyParallel: false,
	forbidOnly: !!process.env.CI,
	reporter: [['list']],
	outputDir: 'test-results',
	use: {
		baseURL: `http://localhost:${port}`,
		browserName: 'chromium',
		headless: true,
		// --enable-unsafe-webgpu: SwiftShader gives a real WebGPU adapter without a GPU.
		launchOptions: { executablePath, args: [...quiet, '--enable-unsafe-webgpu'] },
		trace: 'retain-on-failure'
	},
	projects: [
		{ name: 'webgpu', use: { mode: 'webgpu' } },
		{ name: 'wasm', use: { mode: 'wasm' } },
		// Only the fallback itself: the rest is the wasm project again.
		{ name: 'no-webgpu', grep: /fell back/, use: { mode: 'no-webgpu', launchOptions: { executablePath, args: quiet } } }
	],
	webServer: {
		// Build first, then serve the build (with the COOP/COEP headers from vite.config.ts).
		command: `npm run -s build && node node_modules/vite/bin/vite.js preview --port ${port} --strictPort`,
		url: `http://localhost:${port}/`,
		reuseExistingServer: false,
		timeout: 300_000,
		stdout: 'ignore',
		stderr: 'pipe'
	}
});
