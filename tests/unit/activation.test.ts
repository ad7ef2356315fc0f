// The MLP activation detector (analysis/activation.ts) on fused and decomposed spellings: the zoo's
// own models and spellings, the recognition fixture's MLPs, and hand-built one-MLP graphs for the rest.
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../fixtures/builder.js';
import { buildBlocks } from '../fixtures/blocks.js';
import { DT, f } from '../../src/lib/onnx/build.js';
import { Graph } from '../../src/lib/onnx/graph.js';
import { analyze, mlpActivations, type Layer } from '../../src/lib/analysis/index.js';
import { mlpActivation } from '../../src/lib/analysis/activation.js';
import { Ctx } from '../../src/lib/analysis/walk.js';
import { buildZoo } from '../../models/zoo/builder.js';

type Spell = (b: GraphBuilder, h: string, up: () => string) => string;

/** x -> Linear -> act -> Linear -> + x, with the activation spelled by `act`; returns its info. */
function oneMlp(act: Spell, opts: { linear?: 'bias' | 'none' } = {}) {
	const b = new GraphBuilder('plain', 20);
	const x = b.input('x', DT.FLOAT, [1, 3, 4]);
	const lin = (inp: string, din: number, dout: number, bias = opts.linear !== 'none') => {
		const m = b.op('MatMul', [inp, b.matmulWeight([din, dout])]);
		return bias ? b.op('Add', [m, b.param(`b${b.nodes.length}`, [dout])]) : m;
	};
	const h = lin(x, 4, 8);
	const a = act(b, h, () => lin(x, 4, 8));
	const y = lin(a, 8, 4);
	const out = b.op('Add', [x, y]);
	b.output(out, DT.FLOAT, [1, 3, 4]);
	const g = b.graph();
	const layer = { index: 0, residuals: [{ sublayer: 'mlp', branch: y }] } as unknown as Layer;
	return { info: mlpActivation(new Ctx(g), layer), h, a, g };
}

const ms = 'com.microsoft';
const cast = (b: GraphBuilder, t: string, to = 1) => b.op('Cast', [t], { to });

describe('activation detector, hand-built one-MLP graphs', () => {
	const cases: [string, Spell, string, number | null][] = [
		['Relu', (b, h) => b.op('Relu', [h]), 'relu', null],
		['Max(x, 0)', (b, h) => b.op('Max', [h, b.f(0)]), 'relu', null],
		['LeakyRelu', (b, h) => b.op('LeakyRelu', [h], { alpha: f(0.2) }), 'leaky_relu', 0.2],
		['Gelu-20 none', (b, h) => b.op('Gelu', [h]), 'gelu_erf', null],
		['Gelu-20 tanh', (b, h) => b.op('Gelu', [h], { approximate: 'tanh' }), 'gelu_tanh', null],
		['ms Gelu', (b, h) => b.op('Gelu', [h], {}, { domain: ms }), 'gelu_erf', null],
		['ms QuickGelu', (b, h) => b.op('QuickGelu', [h], { alpha: f(1.702) }, { domain: ms }), 'gelu_sigmoid', 1.702],
		['x*sigmoid(1.702x)', (b, h) => b.op('Mul', [h, b.op('Sigmoid', [b.op('Mul', [h, b.f(1.702)])])]), 'gelu_sigmoid', 1.702],
		['x*sigmoid(x)', (b, h) => b.op('Mul', [h, b.op('Sigmoid', [h])]), 'silu', null],
		['x*sigmoid(x) in a Cast sandwich', (b, h) => cast(b, b.op('Mul', [cast(b, h), b.op('Sigmoid', [cast(b, h)])])), 'silu', null],
		['Mish', (b, h) => b.op('Mish', [h]), 'mish', null],
		['x*tanh(softplus(x))', (b, h) => b.op('Mul', [h, b.op('Tanh', [b.op('Softplus', [h])])]), 'mish', null],
		['Tanh', (b, h) => b.op('Tanh', [h]), 'tanh', null],
		['Sigmoid', (b, h) => b.op('Sigmoid', [h]), 'sigmoid', null],
		['Elu', (b, h) => b.op('Elu', [h]), 'elu', null],
		['Sin (no name for it)', (b, h) => b.op('Sin', [h]), 'sin', null]
	];
	for (const [label, spell, kind, alpha] of cases)
		it(`${label} -> ${kind}`, () => {
			const { info, h, a } = oneMlp(spell);
			expect(info).toMatchObject({ kind, gated: false, pre: h, post: a, act: a, up: null, alpha });
		});

	it('FastGelu / BiasGelu read their bias input (pre is the MatMul output, bias the initializer)', () => {
		for (const op of ['FastGelu', 'BiasGelu']) {
			let bias = '';
			const { info, h } = oneMlp(
				(b, m) => {
					bias = b.param(`fb_${op}`, [8]);
					return b.op(op, [m, bias], {}, { domain: ms });
				},
				{ linear: 'none' }
			);
			expect(info).toMatchObject({ kind: op === 'FastGelu' ? 'gelu_tanh' : 'gelu_erf', op, pre: h, bias });
		}
	});

	it('GeGLU and SwiGLU (Cast sandwich): gated, the gate activation, the up projection and the product', () => {
		let gate = '',
			up = '';
		const geglu = oneMlp((b, h, upProj) => {
			gate = b.op('Gelu', [h], { approximate: 'tanh' });
			up = upProj();
			return b.op('Mul', [gate, up]);
		});
		expect(geglu.info).toMatchObject({ kind: 'gelu_tanh', gated: true, pre: geglu.h, act: gate, up, post: geglu.a });
		const swiglu = oneMlp((b, h, upProj) => {
			const c = cast(b, h);
			gate = cast(b, b.op('Mul', [c, b.op('Sigmoid', [c])]));
			up = upProj();
			return b.op('Mul', [up, gate]);
		});
		expect(swiglu.info).toMatchObject({ kind: 'silu', gated: true, pre: swiglu.h, up, post: swiglu.a });
	});
});

describe('activation detector on the zoo and the recognition fixtures', () => {
	for (const [gelu, kind, op] of [
		['op', 'gelu_erf', 'Gelu'],
		['erf', 'gelu_erf', 'decomposed'],
		['tanh', 'gelu_tanh', 'decomposed']
	] as const)
		for (const names of ['plain', 'torch'] as const)
			it(`pre-ln, gelu=${gelu}, names=${names}: ${kind} in every block, pre/post the zoo's mlp_pre and activation`, () => {
				const z = buildZoo('pre-ln', { gelu, names, norm: 'decomposed' });
				const g = new Graph(z.model);
				const acts = mlpActivations(g, analyze(g).layers);
				expect(acts.map((a) => [a?.kind, a?.op, a?.gated])).toEqual(acts.map(() => [kind, op, false]));
				expect(acts[1]?.pre).toBe(z.names.get('L1.mlp_pre'));
				expect(acts[1]?.post).toBe(z.names.get('L1.mlp_act'));
			});

	it('pre-rms-swiglu: SiLU gate, up projection, product (plain and torch names)', () => {
		for (const names of ['plain', 'torch'] as const) {
			const z = buildZoo('pre-rms-swiglu', { names });
			const g = new Graph(z.model);
			const a = mlpActivations(g, analyze(g).layers)[0];
			expect(a).toMatchObject({
				kind: 'silu',
				gated: true,
				pre: z.names.get('L0.mlp_gate'),
				act: z.names.get('L0.mlp_act'),
				up: z.names.get('L0.mlp_up'),
				post: z.names.get('L0.mlp_prod')
			});
		}
	});

	for (const [mlp, kind, gated] of [
		['gelu', 'gelu_erf', false],
		['gelu-erf', 'gelu_erf', false],
		['gelu-tanh', 'gelu_tanh', false],
		['relu', 'relu', false],
		['silu', 'silu', false],
		['swiglu', 'silu', true]
	] as const)
		it(`recognition fixture mlp=${mlp} (torch names, parallel blocks too) -> ${kind}`, () => {
			for (const placement of ['pre', 'parallel'] as const) {
				const s = analyze(buildBlocks({ placement, mlp, layers: 2 }).graph);
				const g = buildBlocks({ placement, mlp, layers: 2 }).graph;
				expect(mlpActivations(g, s.layers).map((a) => [a?.kind, a?.gated])).toEqual([
					[kind, gated],
					[kind, gated]
				]);
			}
		});

	it('an MLP recognition cannot see into (one custom op) has no activation', () => {
		const g = buildBlocks({ placement: 'pre', mlp: 'custom' }).graph;
		expect(mlpActivations(g, analyze(g).layers)).toEqual([null, null]);
	});
});
