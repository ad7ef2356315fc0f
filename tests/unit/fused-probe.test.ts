// The ops the fused-graph fixtures rely on must run on onnxruntime-web's WASM backend (as the CLI
// and tests run it); a runtime upgrade that drops one fails here, not deep inside a fixture test.
import { describe, expect, it } from 'vitest';
import { loadOrt } from '../../src/lib/runtime/node/ort.js';
import { PROBES, probe } from '../fixtures/ort/probe.js';

describe('onnxruntime-web WASM: fused, quantized and opset-23 ops', () => {
	it('runs every op the fixtures use; GemmFastGelu has no WASM kernel', async () => {
		const ort = await loadOrt({ threads: 1 });
		const got: Record<string, string> = {};
		for (const p of PROBES) got[`${p.domain || 'ai.onnx'}.${p.op}@${p.opset}`] = await probe(ort, p);
		const missing = Object.entries(got)
			.filter(([, r]) => r !== 'runs')
			.map(([k]) => k);
		expect(missing).toEqual(['com.microsoft.GemmFastGelu@17']);
		expect(got['com.microsoft.GemmFastGelu@17']).toMatch(/Could not find an implementation/);
	}, 60_000);
});
