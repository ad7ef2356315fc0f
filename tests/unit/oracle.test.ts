// Every zoo variant in every spelling, run by onnxruntime-web through the app's capture path,
// against the independent float64 oracle: tensor by tensor, max abs diff <= 1e-4.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { SPELLINGS, ZOO_IDS, oracleTensors, spellingLabel, tokenize, zooTensorNames, type ZooId } from '../../models/zoo/oracle';
import { erf, gelu } from '../../models/zoo/forward';
import { compareWithOracle, maxDiff, runZoo } from '../../models/zoo/run';
import { weightIndex } from '../../models/zoo/weights';

ort.env.wasm.numThreads = 1;

const TEXT = 'The quick brown fox jumps over the lazy dog.';
/**
 * Nats per character every trained zoo model stays under on held-out text: character frequencies
 * alone (unigram) cost 3.07 on it, uniform over 96 ids 4.56. DyT ends near 2.5, the others near 1.6.
 */
const NLL_BOUND = 3;
const NLL_BOUND_LN = 2; // every variant with a LayerNorm or RMSNorm

describe('oracle vs ORT capture', () => {
	for (const id of ZOO_IDS)
		describe(id, () => {
			for (const spelling of SPELLINGS)
				it(`matches every named tensor (${spellingLabel(spelling)})`, async () => {
					const tokens = tokenize(TEXT);
					const { store } = await runZoo(ort, id, tokens, spelling, 'all');
					const oracle = oracleTensors(id, tokens, spelling);
					const { mismatches, worst } = compareWithOracle(store, oracle);
					expect(mismatches).toEqual([]);
					expect(worst).toBeLessThanOrEqual(1e-4);
					// The oracle covers what zooTensorNames promises: every tensor it names is compared.
					const names = zooTensorNames(id, spelling);
					for (const l of names.layers)
						for (const t of [l.resid_pre, l.pattern, l.attn_out, l.mlp_out, l.resid_post, ...Object.values(l.tensors)])
							expect(oracle.has(t), t).toBe(true);
					expect(oracle.has(names.logits)).toBe(true);
					if (names.final_norm) expect(oracle.has(names.final_norm.output)).toBe(true);
				});
		});

	it('runs a full 64-token context on the default model within tolerance', async () => {
		const tokens = tokenize('0123456789abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ!');
		expect(tokens.length).toBe(64);
		const { store } = await runZoo(ort, 'pre-ln', tokens);
		const { mismatches } = compareWithOracle(store, oracleTensors('pre-ln', tokens));
		expect(mismatches).toEqual([]);
	});
});

describe('oracle vs torch: the model that was trained is the model that is built', () => {
	// models/train/export.py recorded torch's float32 logits and per-position loss on 64 held-out
	// characters; the oracle runs the committed weights through the builder's block in float64.
	for (const id of ZOO_IDS)
		it(`${id}: torch's logits and loss on a held-out string`, () => {
			const { check } = weightIndex(id);
			const tokens = tokenize(check.text);
			expect(tokens.length).toBe(64);
			const logits = oracleTensors(id, tokens).get(zooTensorNames(id).logits)!.data64;
			const V = 96;
			for (const [pos, want] of Object.entries(check.logits))
				expect(
					maxDiff(Float32Array.from(want), logits.slice(Number(pos) * V, (Number(pos) + 1) * V)),
					`position ${pos}`
				).toBeLessThanOrEqual(1e-4);
			const targets = [...tokens.slice(1), ...tokenize(check.next)];
			const nll = targets.map((t, i) => {
				const row = logits.subarray(i * V, (i + 1) * V);
				const m = Math.max(...row);
				return m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0)) - row[t];
			});
			expect(maxDiff(Float32Array.from(check.nll), Float64Array.from(nll))).toBeLessThanOrEqual(1e-4);
			const mean = nll.reduce((a, b) => a + b, 0) / nll.length;
			expect(mean, 'nats per character on held-out text').toBeLessThan(id === 'dyt' ? NLL_BOUND : NLL_BOUND_LN);
		});
});

describe('oracle math', () => {
	it('erf matches reference values', () => {
		// Abramowitz & Stegun table values / mpmath
		const ref: [number, number][] = [
			[0, 0],
			[0.1, 0.1124629160182849],
			[0.5, 0.5204998778130465],
			[1, 0.8427007929497149],
			[2, 0.9953222650189527],
			[3, 0.9999779095030014],
			[4.5, 0.9999999998033839],
			[-1.5, -0.9661051464753108]
		];
		for (const [x, y] of ref) expect(Math.abs(erf(x) - y)).toBeLessThan(1e-14);
	});

	it('gelu: exact and tanh forms differ by the known approximation error', () => {
		expect(gelu(1, 'erf')).toBeCloseTo(0.8413447460685429, 14);
		expect(gelu(1, 'tanh')).toBeCloseTo(0.8411919906082768, 14);
		expect(gelu(-3, 'op')).toBeCloseTo(-0.00404969409489031, 14);
	});

	it('attention rows are softmaxes: sum 1, masked cells exactly 0, masked scores -inf or -1e9 shifted', () => {
		const tokens = tokenize('abcdefgh');
		const S = tokens.length;
		for (const [id, spelling] of [
			['pre-ln', {}],
			['post-ln', { mask: 'add-large' as const, softmax: 'folded' as const }]
		] as [ZooId, object][]) {
			const names = zooTensorNames(id, spelling);
			const o = oracleTensors(id, tokens, spelling);
			const p = o.get(names.layers[3].pattern)!.data64;
			const masked = o.get(names.layers[3].tensors.masked)!.data64;
			const scores = o.get(names.layers[3].tensors.scores)!.data64;
			for (let r = 0; r < p.length / S; r++) {
				const i = r % S;
				let sum = 0;
				for (let j = 0; j < S; j++) {
					sum += p[r * S + j];
					if (j > i) {
						expect(p[r * S + j]).toBe(0);
						const want = 'mask' in spelling ? scores[r * S + j] - 1e9 : -Infinity;
						expect(masked[r * S + j]).toBe(want);
					}
				}
				expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
			}
		}
	});

	it('maxDiff: abs for ordinary values (or scaled by max(1, |x|)), exact for infinities, relative for -1e9 masks', () => {
		expect(maxDiff(Float32Array.of(1, -Infinity), Float64Array.of(1.00005, -Infinity))).toBeCloseTo(5e-5, 9);
		expect(maxDiff(Float32Array.of(-Infinity), Float64Array.of(0))).toBe(Infinity);
		expect(maxDiff(Float32Array.of(NaN), Float64Array.of(0))).toBe(Infinity);
		expect(maxDiff(Float32Array.of(Math.fround(-1e9 + 3.2)), Float64Array.of(-1e9 + 3.2))).toBeLessThan(1e-7);
		// scaled: relative beyond magnitude 1, absolute below it
		expect(maxDiff(Float32Array.of(200.02), Float64Array.of(200), true)).toBeCloseTo(1e-4, 6);
		expect(maxDiff(Float32Array.of(200.02), Float64Array.of(200))).toBeCloseTo(0.02, 4);
		expect(maxDiff(Float32Array.of(0.5), Float64Array.of(0.5002), true)).toBeCloseTo(2e-4, 7);
	});
});
