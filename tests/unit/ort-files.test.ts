// The onnxruntime-web files the build emits under /ort/ and the service worker caches for offline
// use (scripts/ort-files.ts) are the ones the installed onnxruntime-web ships and its WebGPU bundle
// loads: an upgrade that renames them fails here instead of breaking the page offline.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ORT_FILES } from '../../scripts/ort-files';

const DIST = join(__dirname, '../../node_modules/onnxruntime-web/dist');

describe('ORT_FILES', () => {
	it('are shipped by the installed onnxruntime-web', () => {
		for (const f of ORT_FILES) expect(existsSync(join(DIST, f)), f).toBe(true);
	});

	it('are the glue the WebGPU bundle loads, each with its .wasm', () => {
		const bundle = readFileSync(join(DIST, 'ort.webgpu.min.mjs'), 'utf8');
		const loaded = [...new Set(bundle.match(/ort-wasm-simd-threaded[\w.]*\.mjs/g))];
		const glue = ORT_FILES.filter((f) => f.endsWith('.mjs'));
		expect(glue).toEqual(loaded);
		expect(ORT_FILES.filter((f) => f.endsWith('.wasm'))).toEqual(glue.map((f) => f.replace(/\.mjs$/, '.wasm')));
	});
});
