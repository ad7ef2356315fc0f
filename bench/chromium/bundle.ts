// Bundles the bench's browser entries (with the app's own modules they import) into one folder
// with a blank page per entry, using esbuild (a dependency of vite, already installed).
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export const ENTRIES = ['heatmap-page', 'capture-page', 'readback-page'] as const;

/** Writes `<entry>.js` and `<entry>.html` for every entry into `outdir`. */
export async function bundlePages(outdir: string): Promise<void> {
	await build({
		entryPoints: ENTRIES.map((e) => join(ROOT, 'bench/chromium', `${e}.ts`)),
		outdir,
		bundle: true,
		format: 'esm',
		target: 'es2022',
		platform: 'browser',
		minify: false,
		sourcemap: false,
		logLevel: 'error',
		// As in the app (vite.config.ts): the WebGPU build without its glue embedded; the glue and
		// the .wasm load from /ort/ (env.wasm.wasmPaths).
		alias: { 'onnxruntime-web/webgpu': join(ROOT, 'node_modules/onnxruntime-web/dist/ort.webgpu.min.mjs') }
	});
	for (const e of ENTRIES)
		writeFileSync(
			join(outdir, `${e}.html`),
			`<!doctype html><meta charset="utf-8"><title>${basename(e)}</title><body style="margin:0"><script type="module" src="./${e}.js"></script></body>\n`
		);
}
