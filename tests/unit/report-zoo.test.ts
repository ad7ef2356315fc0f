// Issue 5/6 reports on the zoo, run by onnxruntime-web (WASM) through the app's capture path: the
// statistics the report computes from captured float32 tensors against the same statistics of
// the oracle's float64 intermediates, and the health of every healthy variant and spelling.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { analyze } from '../../src/lib/analysis';
import { captureNames } from '../../src/lib/runtime/capture';
import { health, modelStats, type NormStats } from '../../src/lib/report';
import { ZOO_IDS, VARIANTS, oracleTensors, tokenize, zooTensorNames, type Spelling, type ZooId } from '../../models/zoo/oracle';
import { zooWeights, type NormWeights } from '../../models/zoo/weights';
import { EPS, N_HEADS } from '../../models/zoo/config';
import { runZoo } from '../../models/zoo/run';

ort.env.wasm.numThreads = 1;

const TEXT = 'Pre-norm grows; post-norm holds.';
const tokens = tokenize(TEXT);
const S = tokens.length;

// Reference statistics, written out in float64 over the oracle's tensors (batch 0, one row per token).
const rowsOf = (x: Float64Array, d = 64) => Array.from({ length: x.length / d }, (_, s) => x.subarray(s * d, (s + 1) * d));
const meanOf = (r: Float64Array) => r.reduce((a, b) => a + b, 0) / r.length;
const varOf = (r: Float64Array) => rowsMoment(r, meanOf(r));
const rowsMoment = (r: Float64Array, m: number) => r.reduce((a, b) => a + (b - m) * (b - m), 0) / r.length;
const msOf = (r: Float64Array) => r.reduce((a, b) => a + b * b, 0) / r.length;
const l2Of = (r: Float64Array) => Math.sqrt(msOf(r) * r.length);

/** Every entry within 1e-4 relative (1e-5 absolute near zero). */
function expectClose(got: number[] | null | undefined, want: number[], what: string) {
	expect(got, what).not.toBeNull();
	expect(got!.length, what).toBe(want.length);
	const off = want.flatMap((w, i) =>
		Math.abs(got![i] - w) <= Math.max(1e-5, 1e-4 * Math.abs(w)) ? [] : [`token ${i}: ${got![i]} vs ${w}`]
	);
	expect(off, what).toEqual([]);
}

describe('norm and residual statistics vs the oracle', () => {
	for (const id of ZOO_IDS)
		it(`${id}: per-token statistics of every norm and of the residual stream`, async () => {
			const { store, graph } = await runZoo(ort, id, tokens);
			const structure = analyze(graph);
			const stats = modelStats(structure, store, graph);
			const oracle = oracleTensors(id, tokens);
			const names = zooTensorNames(id);
			const W = zooWeights(id);
			const o = (name: string) => rowsOf(oracle.get(name)!.data64);
			const kind = VARIANTS[id].norm;
			expect(stats.layers).toHaveLength(names.layers.length);

			const checkNorm = (s: NormStats, input: string, output: string, w: NormWeights, where: string) => {
				const gamma = w.gamma;
				expect([s.input, s.output], where).toEqual([input, output]);
				const x = o(input);
				const y = o(output);
				expectClose(s.out_mean, y.map(meanOf), `${where} out_mean`);
				expectClose(s.out_var, y.map(varOf), `${where} out_var`);
				expect(s.gamma!.min, where).toBe(Math.min(...gamma));
				expect(s.gamma!.max, where).toBe(Math.max(...gamma));
				expect(s.gamma!.norm, where).toBeCloseTo(Math.hypot(...gamma), 9);
				if (kind === 'layernorm') {
					expectClose(s.mean, x.map(meanOf), `${where} mean`);
					expectClose(s.var, x.map(varOf), `${where} var`);
					expectClose(
						s.scale,
						x.map((r) => 1 / Math.sqrt(varOf(r) + EPS)),
						`${where} scale`
					);
					expect([s.ms, s.eps! / EPS]).toEqual([null, expect.closeTo(1, 6)]);
					expect(s.beta, where).not.toBeNull();
				} else if (kind === 'rmsnorm') {
					expectClose(s.ms, x.map(msOf), `${where} ms`);
					expectClose(
						s.scale,
						x.map((r) => 1 / Math.sqrt(msOf(r) + EPS)),
						`${where} scale`
					);
					expect([s.mean, s.var, s.beta]).toEqual([null, null, null]);
				} else {
					expect([s.mean, s.var, s.ms, s.scale, s.eps]).toEqual([null, null, null, null, null]);
					expect(s.alpha, `${where} alpha (learned per norm)`).toBeCloseTo(w.alpha!, 6);
					const want = x.map((r) => r.filter((v) => Math.abs(Math.tanh(w.alpha! * v)) > 0.95).length / r.length);
					// float32 vs float64 may put one feature on the other side of 0.95
					want.forEach((w, i) =>
						expect(Math.abs(s.saturation![i] - w), `${where} saturation token ${i}`).toBeLessThanOrEqual(1 / 64 + 1e-12)
					);
				}
				expect(s.missing).toEqual([]);
			};

			names.layers.forEach((N, l) => {
				const st = stats.layers[l];
				const L = W.layers[l];
				// norms in recognition's order: ln1 (attention side) then ln2
				const expected = [N.ln1, N.ln2].filter((n): n is { input: string; output: string } => n !== null);
				expect(st.norms).toHaveLength(expected.length);
				expected.forEach((n, k) => checkNorm(st.norms[k], n.input, n.output, k === 0 ? L.ln1 : L.ln2!, `layer ${l} norm ${k}`));

				const r = st.resid;
				const norms = (name: string) => o(name).map(l2Of);
				expectClose(r.pre, norms(N.resid_pre), `layer ${l} pre`);
				expectClose(r.post, norms(N.resid_post), `layer ${l} post`);
				if (N.resid_mid) expectClose(r.mid, norms(N.resid_mid), `layer ${l} mid`);
				else expect(r.mid).toBeNull();
				const ratio = (branch: string, stream: string) => norms(branch).map((b, i) => b / norms(stream)[i]);
				const attnRes = N.residuals[0];
				expectClose(r.attn_ratio, ratio(N.attn_out, attnRes.stream), `layer ${l} attn_ratio`);
				const mlpStream = N.residuals.length > 1 ? N.residuals[1].stream : attnRes.stream;
				expectClose(r.mlp_ratio, ratio(N.mlp_out, mlpStream), `layer ${l} mlp_ratio`);
				if (id === 'parallel') expectClose(r.both_ratio, ratio(attnRes.branch, attnRes.stream), `layer ${l} both_ratio`);
				else expect(r.both_ratio).toBeNull();
				const post = id === 'post-ln' || id === 'deepnorm';
				expect(r.measured_at).toBe(post ? 'after-norm' : 'stream');
				if (post) {
					expect(r.before_norm!.tensors).toEqual({ mid: N.residuals[0].output, post: N.residuals[1].output });
					expectClose(r.before_norm!.mid, norms(N.residuals[0].output), `layer ${l} before_norm.mid`);
					expectClose(r.before_norm!.post, norms(N.residuals[1].output), `layer ${l} before_norm.post`);
				} else expect(r.before_norm).toBeNull();
			});

			if (names.final_norm) checkNorm(stats.final_norm!, names.final_norm.input, names.final_norm.output, W.lnf!, 'final norm');
			else expect(stats.final_norm).toBeNull();
		});

	it("the point of the compare view: pre-norm stream norms grow block by block, post-norm holds each at its LN's gain", async () => {
		const mean = (a: number[] | null) => a!.reduce((x, y) => x + y, 0) / a!.length;
		const series = async (id: ZooId) => {
			const { store, graph } = await runZoo(ort, id, tokens);
			const s = modelStats(analyze(graph), store, graph);
			return { s, norms: [mean(s.layers[0].resid.pre), ...s.layers.map((L) => mean(L.resid.post))] };
		};
		const pre = (await series('pre-ln')).norms;
		for (let i = 1; i < pre.length; i++) expect(pre[i], `pre-LN after block ${i - 1}`).toBeGreaterThan(pre[i - 1]);
		expect(pre[pre.length - 1]).toBeGreaterThan(4 * pre[0]);
		// ||LN(x)|| = ||gamma * xhat + beta|| with sum(xhat^2) = d: about ||gamma|| (sqrt(d) at init), whatever the depth
		const post = await series('post-ln');
		post.s.layers.forEach((L, l) => {
			const gain = L.norms[1].gamma!.norm;
			expect(Math.abs(post.norms[l + 1] / gain - 1), `post-LN after block ${l} vs ||gamma|| ${gain}`).toBeLessThan(0.12);
		});
	});
});

describe('health of the healthy zoo', () => {
	const cases: [ZooId, Partial<Spelling>][] = [
		...ZOO_IDS.map((id): [ZooId, Partial<Spelling>] => [id, {}]),
		['pre-ln', { mask: 'add-inf' }],
		['pre-ln', { mask: 'add-large', softmax: 'folded', scale: 'before' }],
		['pre-rms-swiglu', { norm: 'decomposed', rms: 'pow' }],
		['pre-ln', { names: 'torch', norm: 'decomposed' }]
	];
	for (const [id, spelling] of cases)
		it(`${id} ${JSON.stringify(spelling)}: nothing non-finite, masks counted as masked, rows sum to 1`, async () => {
			const { store, graph } = await runZoo(ort, id, tokens, spelling);
			const structure = analyze(graph);
			const exposed = captureNames(graph, { captureSet: 'all' });
			const h = health(graph, structure, store, { capture: 'all', exposed });
			const names = zooTensorNames(id, spelling);
			expect(h.nonfinite).toEqual([]);
			expect(h.first_nonfinite).toBeNull();
			expect(h.nonfinite_initializers).toEqual([]);
			expect(h.softmax_rows).toBe(names.layers.length * N_HEADS * S);
			expect(h.softmax_row_sum_max_err).toBeLessThan(1e-5);
			expect([h.softmax_off, h.zero_rows, h.norm_below_eps, h.fp16_overflow]).toEqual([[], [], [], []]);
			// -inf masks: the masked scores of every layer, plus the sliced mask itself where it holds -inf.
			const maskedScores = names.layers.map((L) => L.tensors.masked);
			const masked = h.masked.map((m) => m.tensor);
			if (spelling.mask === 'add-large') expect(masked).toEqual([]);
			else {
				expect(masked.filter((t) => !maskedScores.includes(t))).toHaveLength(spelling.mask === 'add-inf' ? 1 : 0);
				expect(masked.filter((t) => maskedScores.includes(t))).toEqual(maskedScores);
				for (const m of h.masked.filter((m) => maskedScores.includes(m.tensor))) expect(m.neg_inf).toBe((N_HEADS * (S * (S - 1))) / 2);
			}
			// Exposing every tensor of a decomposed LayerNorm/RMSNorm stops ORT fusing it: said once per norm.
			const decomposedNorms = spelling.norm === 'decomposed' ? structure.norms.length : 0;
			expect(h.capture.fusion).toHaveLength(decomposedNorms);
			expect(h.capture).toMatchObject({ set: 'all', exposed: exposed.length });
		});
});
