// Interventions by graph rewrite, run by onnxruntime-web, against the float64 oracle's own
// ablation and patching (models/zoo/intervene-oracle.ts): every named tensor <= 1e-4.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { analyze } from '../../src/lib/analysis';
import { Graph, bufferOf, readModel } from '../../src/lib/onnx';
import { encodeModel } from '../../src/lib/onnx/build';
import { CaptureSession } from '../../src/lib/runtime';
import type { TensorStore } from '../../src/lib/tensor/store';
import { applyWireEdit, buildEdit, parseBranches, parseHeads, parsePatches, type Intervention } from '../../src/lib/intervene';
import { ZOO_IDS, tokenize, zooBuild, type OracleTensor, type Spelling, type ZooId } from '../../models/zoo/oracle';
import { oracleIntervened, type OracleOp } from '../../models/zoo/intervene-oracle';
import { idsFeed } from '../../models/zoo/run';

ort.env.wasm.numThreads = 1;

const A = 'the cat sat on the mat';
const B = 'a dog ran in the fog!!';

async function run(
	id: ZooId,
	tokens: number[],
	spelling: Partial<Spelling> | undefined,
	ivs: Intervention[] = [],
	clean?: TensorStore,
	source?: TensorStore
) {
	const model = zooBuild(id, spelling).model;
	const graph = new Graph(model);
	const structure = analyze(graph);
	const edit = ivs.length ? buildEdit({ graph, structure, interventions: ivs, clean: clean!, source }) : null;
	const session = await CaptureSession.create(ort, bufferOf(encodeModel(model)), graph, {
		backend: 'wasm',
		captureSet: 'all',
		edit: edit ? (b) => applyWireEdit(b, edit.wire) : undefined
	});
	try {
		return { store: await session.run(idsFeed(tokens)), edit };
	} finally {
		await session.release();
	}
}

async function check(id: ZooId, ivs: Intervention[], ops: OracleOp[], spelling?: Partial<Spelling>) {
	const a = tokenize(A),
		b = tokenize(B);
	const clean = (await run(id, a, spelling)).store;
	const source = (await run(id, b, spelling)).store;
	const { store } = await run(id, a, spelling, ivs, clean, source);
	const want = oracleIntervened(id, a, ops, spelling);
	expect(mismatches(store, want)).toEqual([]);
	return { clean, store };
}

/**
 * Every oracle tensor against the capture: |a - b| <= 1e-4 * max(1, |b|), absolute up to 1 and
 * relative above, as the backend diff counts (report/diff.ts): trained post-norm models have
 * raw QK products near 170, where float32 alone is ~1e-5 apart.
 */
function mismatches(store: TensorStore, want: Map<string, OracleTensor>): string[] {
	const bad: string[] = [];
	for (const [name, w] of want) {
		const got = store.get(name);
		if (!got || got.dims.join() !== w.dims.join()) {
			bad.push(`${name}: ${got ? `dims [${got.dims}] vs [${w.dims}]` : 'not captured'}`);
			continue;
		}
		const g = got.data as Float32Array;
		for (let i = 0; i < g.length; i++) {
			const b = w.data64[i];
			const ok = Number.isFinite(b) ? Math.abs(g[i] - b) <= 1e-4 * Math.max(1, Math.abs(b)) : g[i] === b;
			if (!ok) {
				bad.push(`${name}[${i}]: ${g[i]} vs ${b}`);
				break;
			}
		}
	}
	return bad;
}

const maxAbs = (x: ArrayLike<number>, y: ArrayLike<number>) => {
	let m = 0;
	for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
	return m;
};

describe('interventions vs oracle', () => {
	for (const id of ZOO_IDS)
		describe(id, () => {
			it('zero- and mean-ablated heads and a zeroed MLP, together', async () => {
				const ivs = [...parseHeads('0.1,2.3', 'zero'), ...parseHeads('1.2', 'mean'), ...parseBranches('blocks.1.mlp')];
				const ops: OracleOp[] = [
					{ kind: 'ablate', layer: 0, head: 1, mode: 'zero' },
					{ kind: 'ablate', layer: 2, head: 3, mode: 'zero' },
					{ kind: 'ablate', layer: 1, head: 2, mode: 'mean' },
					{ kind: 'zero', layer: 1, branch: 'mlp' }
				];
				const { clean, store } = await check(id, ivs, ops);
				// It did something: the logits moved.
				expect(maxAbs(store.get('logits')!.data as Float32Array, clean.get('logits')!.data as Float32Array)).toBeGreaterThan(1e-3);
			});

			it('a zeroed attention branch and patches from run B (one position; one head of hook_z)', async () => {
				// The parallel block has no resid_mid: patch the stream entering block 1 there.
				const [hook, key] = id === 'parallel' ? ['blocks.1.hook_resid_pre', 'L0.resid_post'] : ['blocks.1.hook_resid_mid', 'L1.resid_mid'];
				const ivs = [...parseBranches('blocks.3.attn'), ...parsePatches(`${hook}@pos=3,blocks.2.attn.hook_z@head=1@pos=5`)];
				const ops: OracleOp[] = [
					{ kind: 'zero', layer: 3, branch: 'attn' },
					{ kind: 'patch', key, position: 3, head: null, from: tokenize(B) },
					{ kind: 'patch', key: 'L2.z', position: 5, head: 1, from: tokenize(B) }
				];
				await check(id, ivs, ops);
			});
		});

	it('heads folded into the batch ([B*H, S, Dh]) with the scale before the MatMul', async () => {
		const sp: Partial<Spelling> = { softmax: 'folded', scale: 'before', gelu: 'tanh' };
		await check(
			'pre-ln',
			[...parseHeads('0.1', 'mean'), ...parsePatches('blocks.3.attn.hook_z@head=2')],
			[
				{ kind: 'ablate', layer: 0, head: 1, mode: 'mean' },
				{ kind: 'patch', key: 'L3.z', position: null, head: 2, from: tokenize(B) }
			],
			sp
		);
	});

	it('torch-style names and decomposed norms; the whole stream patched at one point', async () => {
		const sp: Partial<Spelling> = { names: 'torch', norm: 'decomposed', mask: 'add-large' };
		await check(
			'pre-rms-swiglu',
			parsePatches('blocks.2.hook_resid_pre'),
			[{ kind: 'patch', key: 'L1.resid_post', position: null, head: null, from: tokenize(B) }],
			sp
		);
	});

	it('a patch at position 4 leaves every earlier position of every tensor as it was (causal)', async () => {
		const a = tokenize(A);
		const clean = (await run('pre-ln', a, undefined)).store;
		const source = (await run('pre-ln', tokenize(B), undefined)).store;
		const { store } = await run('pre-ln', a, undefined, parsePatches('blocks.1.hook_resid_pre@pos=4'), clean, source);
		const { names } = zooBuild('pre-ln');
		for (const key of ['L1.resid_mid', 'L2.resid_post', 'logits']) {
			const name = names.get(key)!;
			const t = store.get(name)!,
				c = clean.get(name)!;
			const w = t.dims[2];
			const x = t.data as Float32Array,
				y = c.data as Float32Array;
			expect(maxAbs(x.subarray(0, 4 * w), y.subarray(0, 4 * w)), name).toBe(0);
			expect(maxAbs(x.subarray(4 * w), y.subarray(4 * w)), name).toBeGreaterThan(1e-4);
		}
	});
});

describe('the wire edit', () => {
	it('changes nothing but the renamed node strings and the appended graph', () => {
		const bytes = encodeModel(zooBuild('pre-ln').model);
		expect(Buffer.compare(Buffer.from(applyWireEdit(bytes, { renames: [], nodes: [], initializers: [] })), Buffer.from(bytes))).toBe(0);
		const graph = new Graph(readModel(bytes));
		const p = graph.producer.get(zooBuild('pre-ln').names.get('L0.mlp_out')!)!;
		const k = graph.model.graph!.node.indexOf(p.proto);
		const out = readModel(applyWireEdit(bytes, { renames: [{ node: k, field: 'output', slot: 0, to: 'X' }], nodes: [], initializers: [] }));
		const before = graph.model.graph!,
			after = out.graph!;
		expect(after.node.length).toBe(before.node.length);
		after.node.forEach((n, i) => {
			expect(n.output).toEqual(i === k ? ['X'] : before.node[i].output);
			expect(n.input).toEqual(before.node[i].input);
			expect(n.attribute.length).toBe(before.node[i].attribute.length);
		});
		expect(after.initializer.map((t) => t.rawData)).toEqual(before.initializer.map((t) => t.rawData));
	});

	it('refuses what cannot be done, saying why', async () => {
		const model = zooBuild('pre-ln').model;
		const graph = new Graph(model);
		const structure = analyze(graph);
		const clean = (await run('pre-ln', tokenize(A), undefined)).store;
		const edit = (ivs: Intervention[]) => () => buildEdit({ graph, structure, interventions: ivs, clean });
		expect(edit(parseHeads('7.0', 'zero'))).toThrow(/4 recognized blocks/);
		expect(edit(parseHeads('0.9', 'zero'))).toThrow(/4 heads/);
		expect(edit(parsePatches('blocks.0.hook_nothing'))).toThrow(/no hook or tensor named/);
		expect(edit(parsePatches('blocks.0.hook_resid_mid@pos=99'))).toThrow(/past the sequence/);
		expect(edit(parsePatches('blocks.0.hook_resid_mid@head=1'))).toThrow(/no head axis/);
		expect(edit(parsePatches('blocks.0.hook_resid_mid'))).toThrow(/run B has no value/);
		expect(() => parseHeads('0-1', 'zero')).toThrow(/LAYER.HEAD/);
		expect(() => parseBranches('blocks.1.ffn')).toThrow(/blocks.LAYER.attn/);
	});
});
