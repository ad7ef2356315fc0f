// The backend diff page on a float16 model: the worker's model summary carries the weights'
// precision (computePrecision), and the page's diff judges every row at float16's tolerance, so a
// second backend that rounds each value one float16 step apart does not light up as a failure,
// while a real divergence still does. The tensors are the fp16 GPT-2 fixture's own, run in ORT.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOrt } from '../../src/lib/runtime/node/ort.js';
import type { OrtModule } from '../../src/lib/runtime/capture.js';
import { diffRuns, toleranceText } from '../../src/lib/features/diff';
import { modelSummary } from '../../src/lib/worker/run-info.js';
import type { ResultMessage } from '../../src/lib/worker/protocol.js';
import type { CapturedTensor } from '../../src/lib/tensor/store.js';
import { DIFF_TOLERANCE, DTYPE_TOLERANCE } from '../../src/lib/report/index.js';
import { gpt2Weights } from '../fixtures/ort/gpt2-fused.js';
import { gpt2Fp16 } from '../fixtures/ort/gpt2-fp16.js';
import { int64, runFused } from '../fixtures/ort/run.js';

let ort: OrtModule;
beforeAll(async () => {
	ort = await loadOrt({ threads: 1 });
});

/** One float16 step off: float16 bits + 1, a float32 value times (1 + 2^-10) (what a backend rounding on its own gives). */
function stepOff(t: CapturedTensor): CapturedTensor {
	if (t.dtype === 'float16') return { ...t, data: (t.data as Uint16Array).map((b) => ((b & 0x7c00) === 0x7c00 ? b : b + 1)) };
	if (t.dtype === 'float32') return { ...t, data: (t.data as Float32Array).map((v) => v * (1 + 2 ** -10)) };
	return t;
}

function result(
	backend: 'wasm' | 'webgpu',
	tensors: CapturedTensor[],
	model: ResultMessage['model'],
	r: { structure: unknown }
): ResultMessage {
	return { backend, tensors, model, tokens: null, structure: r.structure } as unknown as ResultMessage;
}

describe('backend diff on the fp16 GPT-2', () => {
	it('judges rows at float16 tolerance from the model summary, and still finds a real divergence', async () => {
		const model = gpt2Fp16(gpt2Weights());
		const ids = [3, 17, 5, 22, 9, 1, 30, 12];
		const r = await runFused(
			ort,
			model,
			{
				input_ids: int64('input_ids', ids),
				attention_mask: int64(
					'attention_mask',
					ids.map(() => 1)
				)
			},
			'all'
		);
		const summary = modelSummary('gpt2-fp16.onnx', 1, r.graph);
		expect(summary.precision).toBe('float16');
		const tensors = [...r.store.order].map((n) => r.store.get(n)!);
		const floats = tensors.filter((t) => t.dtype === 'float32' || t.dtype === 'float16');
		expect(floats.some((t) => t.dtype === 'float16')).toBe(true);
		expect(floats.some((t) => t.dtype === 'float32')).toBe(true);
		const hookOf = new Map<string, string>();
		for (const [h, t] of r.structure.hookTensors) if (!hookOf.has(t)) hookOf.set(t, h);
		const structure = { roles: tensors.map((t) => ({ hook: hookOf.get(t.name) ?? null, layer: null })) };
		const main = result('wasm', tensors, summary, { structure });
		const other = result('webgpu', tensors.map(stepOff), summary, { structure });

		const d = diffRuns(main, other, { tolerance: DIFF_TOLERANCE, structure: null, perturb: null })!;
		expect(d.precision).toBe('float16');
		expect(d.compared).toBe(tensors.length);
		const fl = d.rows.filter((x) => floats.some((t) => t.name === x.tensor));
		// Every float row moved (the step is real) and is judged at float16's tolerance, not float32's.
		expect(fl.every((x) => x.max_abs > 0)).toBe(true);
		expect(fl.every((x) => x.tolerance === DTYPE_TOLERANCE.float16 && x.tolerance_dtype === 'float16')).toBe(true);
		expect(d.over).toBe(0);
		expect(d.first).toBeNull();
		expect(toleranceText(fl[0])).toBe('0.01 (float16)');

		// The same two runs read as a float32 model: the float32 rows fail at 1e-4.
		const as32 = { ...summary, precision: null };
		const d32 = diffRuns(result('wasm', tensors, as32, main), result('webgpu', other.tensors, as32, main), {
			tolerance: DIFF_TOLERANCE,
			structure: null,
			perturb: null
		})!;
		const f32 = d32.rows.filter((x) => floats.some((t) => t.name === x.tensor && t.dtype === 'float32') && x.max_abs > 1e-3);
		expect(f32.length).toBeGreaterThan(0);
		expect(f32.every((x) => x.over_tolerance && x.tolerance === DIFF_TOLERANCE && toleranceText(x) === '0.0001')).toBe(true);

		// A real divergence (0.5 on one stream element of the WebGPU side) is over float16's tolerance too.
		const stream = r.structure.layers[1].output!;
		const bad = diffRuns(main, other, { tolerance: DIFF_TOLERANCE, structure: null, perturb: { tensor: stream, index: 3, delta: 0.5 } })!;
		expect(bad.first).toBe(stream);
		expect(bad.rows.find((x) => x.tensor === stream)?.hook).toBe('blocks.1.hook_resid_post');
		expect(bad.rows.find((x) => x.tensor === stream)).toMatchObject({ over: 1, over_tolerance: true, tolerance: DTYPE_TOLERANCE.float16 });
	});
});
