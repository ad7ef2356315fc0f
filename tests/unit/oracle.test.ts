// Every zoo variant in every spelling, run by onnxruntime-web through the app's capture path,
// against the independent float64 oracle: tensor by tensor, max abs diff <= 1e-4.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import {
	SPELLINGS, ZOO_IDS, oracleTensors, spellingLabel, tokenize, zooTensorNames, type ZooId
} from '../../models/zoo/oracle';
import { erf, gelu } from '../../models/zoo/forward';
import { compareWithOracle, maxDiff, runZoo } from '../../models/zoo/run';

ort.env.wasm.numThreads = 1;

const TEXT = 'The quick brown fox jumps over the lazy dog.';

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

describe('oracle math', () => {
	it('erf matches reference values', () => {
		// Abramowitz & Stegun table values / mpmath
		const ref: [number, number][] = [
			[0, 0], [0.1, 0.1124629160182849], [0.5, 0.5204998778130465], [1, 0.8427007929497149],
			[2, 0.9953222650189527], [3, 0.9999779095030014], [4.5, 0.9999999998033839], [-1.5, -0.9661051464753108]
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
		for (const [id, spelling] of [['pre-ln', {}], ['post-ln', { mask: 'add-large' as const, softmax: 'folded' as const }]] as [ZooId, object][]) {
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

	it('maxDiff: abs for ordinary values, exact for infinities, relative for -1e9 masks', () => {
		expect(maxDiff(Float32Array.of(1, -Infinity), Float64Array.of(1.00005, -Infinity))).toBeCloseTo(5e-5, 9);
		expect(maxDiff(Float32Array.of(-Infinity), Float64Array.of(0))).toBe(Infinity);
		expect(maxDiff(Float32Array.of(NaN), Float64Array.of(0))).toBe(Infinity);
		expect(maxDiff(Float32Array.of(Math.fround(-1e9 + 3.2)), Float64Array.of(-1e9 + 3.2))).toBeLessThan(1e-7);
	});
});
