// GPT-2, ORT-optimized, converted to float16 (float16.py with keep_io_types, the norms in Cast
// sandwiches): recognition looks through the Casts, patterns are recovered from fp16 inputs, and
// everything matches the float64 oracle over the fp16-rounded weights within FP16_TOL.
import { beforeAll, describe, expect, it } from 'vitest';
import { Graph } from '../../src/lib/onnx/graph.js';
import { analyze, toInspectJson } from '../../src/lib/analysis/index.js';
import { loadOrt } from '../../src/lib/runtime/node/ort.js';
import type { OrtModule } from '../../src/lib/runtime/capture.js';
import { graphModelInfo } from '../../src/lib/report/model-info.js';
import { gpt2Weights } from '../fixtures/ort/gpt2-fused.js';
import { gpt2Fp16, halfWeights } from '../fixtures/ort/gpt2-fp16.js';
import { gpt2Forward } from '../fixtures/ort/oracle.js';
import { diffByHook, int64, runFused } from '../fixtures/ort/run.js';

/**
 * float16 keeps 11 significant bits: a value in [1, 2) is rounded to a step of 2^-10 ~ 1e-3, in
 * [2, 4) to 2e-3. The stream here stays within +-4 and about a dozen fp16 roundings lie between the
 * ids and the last norm (embeddings, QKV, the attention output, each projection, GELU, the Casts
 * into and out of every norm), and a norm divides its input's error by the row's deviation. The
 * oracle computes exactly over the same fp16 weights, so what is left is activation rounding:
 * ~1.4e-3 at worst here. 5e-3 (a few fp16 steps) holds that and still fails a wrong recovery
 * (a wrong scale or mask moves patterns by 1e-1).
 */
const FP16_TOL = 5e-3;

const W = gpt2Weights();
const model = gpt2Fp16(W);
const ids = [3, 17, 5, 22, 9, 1, 30, 12];
let ort: OrtModule;
beforeAll(async () => {
	ort = await loadOrt({ threads: 1 });
});

describe('GPT-2, ORT-optimized, float16 with Cast sandwiches (float16.py, keep_io_types)', () => {
	it('is recognized through the Casts as the float32 model is', () => {
		const s = analyze(new Graph(model));
		expect(s.variant).toBe('pre-norm');
		expect(s.layers).toHaveLength(2);
		for (const L of s.layers) {
			expect(L.attention).toMatchObject({ op: 'Attention', heads: 2, derived: true, masked: true });
			expect(L.norms.map((n) => [n.op, n.placement, n.sublayer])).toEqual([
				[L.index === 0 ? 'LayerNormalization' : 'SkipLayerNormalization', 'pre', 'attn'],
				['SkipLayerNormalization', 'pre', 'mlp']
			]);
			expect(L.residuals.map((r) => [r.op, r.sublayer])).toEqual([
				['SkipLayerNormalization', 'attn'],
				['SkipLayerNormalization', 'mlp']
			]);
		}
		// The first norm reads the fp16 embedding sum behind its input Cast.
		expect(s.layers[0].norms[0].input).toBe(s.layers[0].input);
		expect(s.finalNorm).toMatchObject({ op: 'SkipLayerNormalization', placement: 'post' });
		expect(toInspectJson(s).unrecognized).toEqual([]);
		expect(graphModelInfo(new Graph(model)).float_type).toBe('mixed'); // fp16 weights, fp32 norm parameters
	});

	for (const mask of [
		[1, 1, 1, 1, 1, 1, 1, 1],
		[1, 1, 1, 1, 1, 0, 0, 0]
	])
		it(`matches the oracle within ${FP16_TOL} (mask ${mask.join('')}); the self-check within its fp16 tolerance`, async () => {
			const r = await runFused(ort, model, { input_ids: int64('input_ids', ids), attention_mask: int64('attention_mask', mask) });
			const keys: Record<string, string> = { 'ln_final.hook_normalized': 'ln_f' };
			for (const i of [0, 1]) {
				keys[`blocks.${i}.attn.hook_pattern`] = `L${i}.pattern`;
				keys[`blocks.${i}.ln1.hook_normalized`] = `L${i}.ln1`;
				keys[`blocks.${i}.hook_resid_mid`] = `L${i}.resid_mid`;
				keys[`blocks.${i}.ln2.hook_normalized`] = `L${i}.ln2`;
				keys[`blocks.${i}.hook_resid_post`] = `L${i}.resid_post`;
			}
			expect(r.store.get(r.structure.layers[0].attention!.fused!.input)!.dtype).toBe('float16');
			const d = diffByHook(r.structure, r.store, gpt2Forward(halfWeights(W), ids, mask), keys);
			for (const [hook, e] of Object.entries(d)) expect(e, hook).toBeLessThanOrEqual(FP16_TOL);
			// fp16 is not float32: against the float32 model the same run is further off.
			const d32 = diffByHook(r.structure, r.store, gpt2Forward(W, ids, mask), keys);
			expect(d32['blocks.1.hook_resid_post']).toBeGreaterThan(d['blocks.1.hook_resid_post']);
			for (const x of r.derived.filter((x) => x.kind === 'pattern')) {
				expect(x.tolerance).toBe(1e-2);
				expect(x.selfCheck!).toBeLessThan(x.tolerance);
			}
		});
});

describe('float16 in health and the backend diff', () => {
	it('health gives every tensor its share of float16 range and warns from a quarter of it', async () => {
		const { health, FP16_WARN_RATIO } = await import('../../src/lib/report/health.js');
		const { storeOf } = await import('../../src/lib/tensor/index.js');
		const r = await runFused(ort, model, {
			input_ids: int64('input_ids', ids),
			attention_mask: int64(
				'attention_mask',
				ids.map(() => 1)
			)
		});
		const h = health(r.graph, r.structure, r.store);
		const resid = r.store.get(r.structure.layers[1].output!)!;
		const room = h.fp16_headroom.find((x) => x.tensor === resid.name)!;
		const maxAbs = Math.max(...Array.from(resid.data as Float32Array, Math.abs));
		expect(room.max_abs).toBe(maxAbs);
		expect(room.ratio).toBeCloseTo(maxAbs / 65504, 12);
		expect(h.fp16_near_overflow).toEqual([]);
		// The same tensor scaled to 20000 (0.31 of the range): warned, not yet overflowing; 70000: overflow.
		const scaled = (name: string, to: number) => ({
			...resid,
			name,
			data: Float32Array.from(resid.data as Float32Array, (v) => (v / maxAbs) * to)
		});
		const h2 = health(r.graph, null, storeOf([scaled('near', 20000), scaled('over', 70000)]), { initializers: false });
		expect(FP16_WARN_RATIO).toBe(0.25);
		expect(h2.fp16_near_overflow.map((x) => [x.tensor, +x.ratio.toFixed(3)])).toEqual([['near', 0.305]]);
		expect(h2.fp16_overflow).toEqual(['over']);
	});

	it('the backend diff judges float16 values by float16 tolerance and says so', async () => {
		const { diffStores } = await import('../../src/lib/report/diff.js');
		const { computePrecision } = await import('../../src/lib/report/model-info.js');
		const { storeOf } = await import('../../src/lib/tensor/index.js');
		const { toHalf } = await import('../fixtures/ort/tensors.js');
		const half = (name: string, v: number[]) => ({ name, dims: [v.length], dtype: 'float16' as const, data: Uint16Array.from(v, toHalf) });
		const single = (name: string, v: number[]) => ({ name, dims: [v.length], dtype: 'float32' as const, data: Float32Array.from(v) });
		const a = storeOf([half('h', [0.5, 1]), single('s', [0.5, 1])]);
		const b = storeOf([half('h', [0.503, 1]), single('s', [0.503, 1])]); // 3e-3 apart (fp16: 0.50293 vs 0.5)
		const plain = diffStores(a, b);
		expect(plain.rows.map((r) => [r.tensor, r.tolerance, r.tolerance_dtype, r.over_tolerance])).toEqual([
			['h', 1e-2, 'float16', false],
			['s', 1e-4, null, true]
		]);
		// In a float16 model a float32 tensor carries fp16 rounding too.
		expect(computePrecision(new Graph(model))).toBe('float16');
		const fp16 = diffStores(a, b, { precision: 'float16' });
		expect(fp16.rows.map((r) => [r.tensor, r.tolerance_dtype, r.over_tolerance])).toEqual([
			['h', 'float16', false],
			['s', 'float16', false]
		]);
		// A user's tolerance above the dtype's stands.
		expect(diffStores(a, b, { tolerance: 0.5 }).rows.map((r) => [r.tolerance, r.tolerance_dtype])).toEqual([
			[0.5, null],
			[0.5, null]
		]);
	});
});
