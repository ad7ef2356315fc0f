// The committed zoo: byte-for-byte regeneration, metadata, planted heads (asserted on what ORT
// computes from the committed files), shared base weights, and the ground-truth names.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { Graph, readModel, bufferOf, tensorArray } from '../../src/lib/onnx';
import { CaptureSession } from '../../src/lib/runtime';
import { zooFiles } from '../../models/zoo/files';
import { BROKEN } from '../../models/zoo/broken';
import { idsFeed } from '../../models/zoo/run';
import { DEEPNORM_ALPHA, DEEPNORM_BETA } from '../../models/zoo/config';
import {
	PLANTED_HEADS, SPELLINGS, VARIANTS, VOCAB, ZOO_IDS, spellingLabel, tokenize, zooBuild, zooTensorNames, type ZooId
} from '../../models/zoo/oracle';

ort.env.wasm.numThreads = 1;

const dir = new URL('../../models/', import.meta.url);
const committed = (file: string) => new Uint8Array(readFileSync(new URL(file, dir)));
const graphs = new Map<ZooId, Graph>();
const graphOf = (id: ZooId) => graphs.get(id) ?? graphs.set(id, new Graph(readModel(committed(`${id}.onnx`)))).get(id)!;

describe('zoo files', () => {
	it('npm run models regenerates the committed files byte for byte', () => {
		const files = zooFiles();
		expect(files.map((f) => f.file)).toEqual([...ZOO_IDS, ...BROKEN.map((b) => b.id)].map((id) => `${id}.onnx`).concat('index.json'));
		for (const f of files) expect(Buffer.compare(Buffer.from(f.bytes), Buffer.from(committed(f.file))), f.file).toBe(0);
	});

	it('index.json lists every variant once, pre-ln as the only default', () => {
		const index = JSON.parse(new TextDecoder().decode(committed('index.json')));
		expect(index.map((e: { id: string }) => e.id)).toEqual([...ZOO_IDS, ...BROKEN.map((b) => b.id)]); // broken members last
		expect(index.filter((e: { default?: boolean }) => e.default)).toEqual([expect.objectContaining({ id: 'pre-ln', file: 'pre-ln.onnx' })]);
		for (const e of index) expect(e.title.length * e.description.length).toBeGreaterThan(0);
	});
});

describe('metadata', () => {
	for (const id of ZOO_IDS)
		it(`${id}: metadata, inputs and outputs round-trip through the reader`, () => {
			const g = graphOf(id);
			const m = g.metadata;
			expect(m.get('blockscope.zoo_id')).toBe(id);
			expect(m.get('blockscope.variant')).toBe(VARIANTS[id].family);
			const vocab = JSON.parse(m.get('blockscope.vocab')!);
			expect(vocab).toEqual([...VOCAB]);
			expect([vocab.length, vocab[0], vocab[1], vocab[34], vocab[95]]).toEqual([96, '<unk>', ' ', 'A', '~']);
			expect([m.get('blockscope.max_seq'), m.get('blockscope.d_model'), m.get('blockscope.heads'), m.get('blockscope.layers')]).toEqual(['64', '64', '4', '4']);
			expect(JSON.parse(m.get('blockscope.planted_heads')!)).toEqual(PLANTED_HEADS);
			expect(g.inputs).toEqual([{ name: 'input_ids', dtype: 'int64', dims: [1, 'seq'] }]);
			expect(g.outputs).toEqual([{ name: 'logits', dtype: 'float32', dims: [1, 'seq', 96] }]);
			expect(g.opset).toBe(id === 'pre-rms-swiglu' ? 23 : 20);
		});

	it('variants are the ones issue 3 names, one planted role per layer in different layers', () => {
		expect([...ZOO_IDS]).toEqual(['pre-ln', 'post-ln', 'pre-rms-swiglu', 'parallel', 'deepnorm', 'dyt']);
		expect(new Set(PLANTED_HEADS.map((h) => h.layer)).size).toBe(PLANTED_HEADS.length);
		expect(PLANTED_HEADS.map((h) => h.role).sort()).toEqual(['first-token', 'previous-token', 'self']);
	});

	it('tokenize: printable ASCII by id, anything else is <unk>', () => {
		expect(tokenize('A b~')).toEqual([34, 1, 67, 95]);
		expect(tokenize('é\n')).toEqual([0, 0]);
	});
});

describe('planted heads (ORT on the committed files)', () => {
	const texts = [
		'The quick brown fox jumps over the lazy dog.',
		'Zx9#qL!mP2@vB7&nK4^tR1*wE8(yU5)iO3_pA6+sD0=fG-hJ[kL]zX{cV}bN|mQ;', // 64 tokens
		'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
	];
	for (const id of ZOO_IDS)
		it(`${id}: every planted head puts >= 0.8 of every row on its target key`, async () => {
			const g = graphOf(id);
			const planted = JSON.parse(g.metadata.get('blockscope.planted_heads')!) as typeof PLANTED_HEADS;
			const names = zooTensorNames(id);
			const patterns = planted.map((p) => names.layers[p.layer].pattern);
			const bytes = committed(`${id}.onnx`);
			const s = await CaptureSession.create(ort, bufferOf(bytes), g, { backend: 'wasm', captureSet: 'semantic', semantic: patterns });
			for (const text of texts) {
				const tokens = tokenize(text);
				const S = tokens.length;
				const store = await s.run(idsFeed(tokens));
				for (const p of planted) {
					const t = store.get(names.layers[p.layer].pattern)!;
					expect(t.dims).toEqual([1, 4, S, S]);
					const pat = t.data as Float32Array;
					let worst = 1;
					for (let i = p.role === 'previous-token' ? 1 : 0; i < S; i++) {
						const target = p.role === 'previous-token' ? i - 1 : p.role === 'first-token' ? 0 : i;
						worst = Math.min(worst, pat[(p.head * S + i) * S + target]);
					}
					expect(worst, `${id} layer ${p.layer} head ${p.head} ${p.role} on "${text}"`).toBeGreaterThanOrEqual(0.8);
				}
			}
			await s.release();
		});
});

describe('shared base weights', () => {
	const init = (id: ZooId, name: string) => tensorArray(graphOf(id).initializers.get(name)!) as Float32Array;

	it('every variant embeds, attends (Q/K) and unembeds with the same base tensors', () => {
		// DyT reads planted heads with a 1/alpha gain (weights.ts); DeepNorm scales the FFN by beta.
		const differs = (id: ZooId, name: string) => (id === 'dyt' && name.includes('attn.q')) || (id === 'deepnorm' && name.includes('mlp'));
		for (const id of ZOO_IDS)
			for (const name of ['embed.wte', 'embed.wpe', 'unembed.weight', 'layer2.attn.q.weight', 'layer3.attn.k.weight', 'layer0.mlp.w1.weight'])
				if (!differs(id, name)) expect(Array.from(init(id, name)), `${id} ${name}`).toEqual(Array.from(init('pre-ln', name)));
	});

	it('DeepNorm scales value, output and FFN weights by beta = (8N)^(-1/4) and leaves Q/K alone', () => {
		expect(DEEPNORM_BETA).toBeCloseTo(Math.pow(32, -0.25), 12);
		expect(DEEPNORM_ALPHA).toBeCloseTo(Math.pow(8, 0.25), 12);
		for (const name of ['layer1.attn.v.weight', 'layer1.attn.o.weight', 'layer1.mlp.w1.weight', 'layer1.mlp.w2.weight']) {
			const base = init('post-ln', name), deep = init('deepnorm', name);
			for (let i = 0; i < base.length; i += 97) expect(deep[i]).toBe(Math.fround(base[i] * DEEPNORM_BETA));
		}
		expect(Array.from(init('deepnorm', 'layer1.attn.k.weight'))).toEqual(Array.from(init('post-ln', 'layer1.attn.k.weight')));
	});

	it('LLaMA-like: RMSNorm without beta, SwiGLU W3, no biases; DyT: alpha 0.5 per norm', () => {
		const rms = graphOf('pre-rms-swiglu');
		expect([...rms.initializers.keys()].filter((n) => n.endsWith('.bias') || n.endsWith('.beta'))).toEqual([]);
		expect(rms.initializers.get('layer0.mlp.w3.weight')!.dims.map(Number)).toEqual([64, 256]);
		expect(rms.nodes.filter((n) => n.opType === 'RMSNormalization').length).toBe(9);
		const dyt = graphOf('dyt');
		const alphas = [...dyt.initializers.keys()].filter((n) => n.endsWith('.alpha'));
		expect(alphas.length).toBe(9);
		for (const a of alphas) expect(dyt.numbersOf(a)).toEqual([0.5]);
	});
});

describe('zooTensorNames agrees with the graph it names', () => {
	for (const id of ZOO_IDS)
		for (const spelling of SPELLINGS)
			it(`${id} (${spellingLabel(spelling)})`, () => {
				const { model, spelling: s } = zooBuild(id, spelling);
				const g = new Graph(model);
				const names = zooTensorNames(id, spelling);
				const info = VARIANTS[id];
				const op = (t: string) => g.producer.get(t)?.opType;
				expect(names.variant).toBe(info.family);
				expect(names.layers.length).toBe(4);
				names.layers.forEach((L, l) => {
					expect(op(L.pattern)).toBe('Softmax');
					expect(L.resid_pre).toBe(l === 0 ? names.embed : names.layers[l - 1].resid_post);
					for (const r of L.residuals) {
						const add = g.producer.get(r.output)!;
						expect(add.opType).toBe('Add');
						expect([...add.inputs].sort()).toEqual([r.stream, r.branch].sort());
						if (info.family === 'deepnorm') {
							expect(op(r.stream)).toBe('Mul');
							expect(g.numbersOf(g.producer.get(r.stream)!.inputs[1])![0]).toBeCloseTo(DEEPNORM_ALPHA, 6);
						}
					}
					for (const n of L.norms) {
						expect(n.kind).toBe(info.norm);
						if (n.form === 'fused') {
							const p = g.producer.get(n.output)!;
							expect(p.opType).toBe(info.norm === 'rmsnorm' ? 'RMSNormalization' : 'LayerNormalization');
							expect(p.inputs[0]).toBe(n.input);
						} else expect(reaches(g, n.input, n.output, 12)).toBe(true);
					}
					expect(L.norms.map((n) => n.placement)).toEqual(info.family === 'post-norm' || info.family === 'deepnorm' ? ['post', 'post'] : info.family === 'parallel' ? ['pre'] : ['pre', 'pre']);
				});
				if (info.finalNorm) expect(names.final_norm).toMatchObject({ input: names.layers[3].resid_post, placement: 'post', sublayer: 'both' });
				else expect(names.final_norm).toBeNull();
				// The last norm's output is a graph output in torch style, and then the names use its name.
				const last = names.final_norm?.output ?? names.layers[3].resid_post;
				expect(last === 'last_hidden_state').toBe(s.names === 'torch');
				expect(g.outputs.map((o) => o.name)).toEqual(s.names === 'torch' ? ['logits', 'last_hidden_state'] : ['logits']);
			});

	it('torch style: exporter names and weights through Identity', () => {
		const { model } = zooBuild('pre-ln', { names: 'torch' });
		const g = new Graph(model);
		const names = zooTensorNames('pre-ln', { names: 'torch' });
		expect(names.layers[0].pattern).toBe('/h.0/attn/Softmax_output_0');
		expect(zooTensorNames('post-ln', { names: 'torch' }).layers[2].pattern).toBe('/blocks.2/attn/Softmax_output_0');
		const matmuls = g.nodes.filter((n) => n.opType === 'MatMul' && n.inputs.some((i) => i.startsWith('onnx::MatMul_')));
		expect(matmuls.length).toBe(4 * 6 + 1); // q, k, v, o, fc_in, fc_out per layer + lm_head
		for (const m of matmuls) {
			const w = m.inputs[1];
			expect(g.producer.get(w)!.opType).toBe('Identity');
			expect(g.constantOf(w)).not.toBeNull();
		}
		expect(g.nodes.some((n) => n.opType === 'Constant')).toBe(true);
	});

	it('spellings change the ops, not the math: opsets and op types per option', () => {
		const ops = (id: ZooId, sp: object) => new Set(new Graph(zooBuild(id, sp).model).nodes.map((n) => n.opType));
		const opset = (id: ZooId, sp: object) => zooBuild(id, sp).opset;
		expect(opset('pre-ln', { norm: 'decomposed', gelu: 'erf' })).toBe(13);
		const dec = ops('pre-ln', { norm: 'decomposed', gelu: 'erf' });
		for (const o of ['ReduceMean', 'Sub', 'Pow', 'Sqrt', 'Div', 'Erf']) expect(dec.has(o), o).toBe(true);
		expect(dec.has('LayerNormalization') || dec.has('Gelu')).toBe(false);
		expect(ops('pre-ln', { gelu: 'tanh' }).has('Tanh')).toBe(true);
		expect(ops('pre-ln', {}).has('Gelu')).toBe(true);
		expect(ops('pre-ln', { mask: 'add-large' }).has('Where')).toBe(false);
		expect(ops('pre-rms-swiglu', { norm: 'decomposed', rms: 'pow' }).has('Sqrt')).toBe(false);
		expect(ops('pre-rms-swiglu', { norm: 'decomposed', rms: 'reciprocal' }).has('Reciprocal')).toBe(true);
		expect(ops('pre-rms-swiglu', {}).has('Sigmoid')).toBe(true);
		// opset >= 18 takes ReduceMean's axes as an input
		const rm = new Graph(zooBuild('pre-rms-swiglu', { norm: 'decomposed', rms: 'pow', softmax: 'folded', mask: 'add-large' }).model);
		expect(rm.opset).toBe(13);
		expect(rm.nodes.find((n) => n.opType === 'ReduceMean')!.inputs.length).toBe(1);
		const rm20 = new Graph(zooBuild('pre-ln', { norm: 'decomposed' }).model);
		expect(rm20.opset).toBe(20);
		expect(rm20.nodes.find((n) => n.opType === 'ReduceMean')!.inputs.length).toBe(2);
		// scale before the MatMul: the scores come straight out of it, Q and K each times 0.5
		const pre = zooTensorNames('pre-ln', { scale: 'before' });
		const pg = new Graph(zooBuild('pre-ln', { scale: 'before' }).model);
		expect(pre.layers[1].tensors.qk).toBeUndefined();
		const mm = pg.producer.get(pre.layers[1].tensors.scores)!;
		expect(mm.opType).toBe('MatMul');
		for (const side of mm.inputs) expect(pg.numbersOf(pg.producer.get(side)!.inputs[1])).toEqual([0.5]);
		// folded heads: the softmax input is rank 3
		const folded = zooTensorNames('parallel', { softmax: 'folded' });
		const fg = new Graph(zooBuild('parallel', { softmax: 'folded' }).model);
		const reshape = fg.producer.get(fg.producer.get(fg.producer.get(folded.layers[0].tensors.qk)!.inputs[0])!.inputs[0])!;
		expect(reshape.opType).toBe('Reshape');
		expect(fg.numbersOf(reshape.inputs[1])).toEqual([-1, 4, 16]);
	});
});

/** Is `to` computed from `from` within `depth` nodes? */
function reaches(g: Graph, from: string, to: string, depth: number): boolean {
	let frontier = new Set([from]);
	for (let d = 0; d < depth; d++) {
		const next = new Set<string>();
		for (const t of frontier) for (const n of g.consumersOf(t)) for (const o of n.outputs) next.add(o);
		if (next.has(to)) return true;
		frontier = next;
	}
	return false;
}
