// inspect's what-if flags on a zoo model written to disk: the run reported is the intervened one
// (checked against the oracle), the lens and attribution fields, and refusals with exit code 2.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeModel } from '../../src/lib/onnx/build';
import { Graph, readModel } from '../../src/lib/onnx';
import { encodeNpy } from '../../src/lib/formats/npy';
import { inspectWhatIf } from '../../src/cli/what-if';
import { whatIfArgs } from '../../src/cli/what-if-args';
import { tokenize, zooBuild } from '../../models/zoo/oracle';
import { oracleAttribution, oracleIntervened, type OracleOp } from '../../models/zoo/intervene-oracle';

const ROOT = join(__dirname, '../..');
const A = 'the cat sat on the mat';
const B = 'a dog ran in the fog!!';
let dir = '';
let model = '';

beforeAll(() => {
	process.env.BLOCKSCOPE_THREADS = '1';
	dir = mkdtempSync(join(tmpdir(), 'bs-whatif-'));
	model = join(dir, 'pre-ln.onnx');
	writeFileSync(model, encodeModel(zooBuild('pre-ln').model));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const names = () => zooBuild('pre-ln').names;

/** The JSON fields the what-if section adds, as the tests read them. */
interface Fields {
	intervention: { list: { spec: string }[]; clean_output_max_abs_diff: number };
	lens: { layer: number; point: string; top: { id: number; p: number }[][] }[];
	attribution: { target: number; position: number; logit: number; sum: number; components: { name: string; value: number }[] };
}

async function logitsDiff(args: Parameters<typeof whatIfArgs>[0], ops: OracleOp[]) {
	const { r, section } = await inspectWhatIf({ model, text: A }, whatIfArgs(args));
	const want = oracleIntervened('pre-ln', tokenize(A), ops).get(names().get('logits')!)!.data64;
	const got = r.store.get(names().get('logits')!)!.data as Float32Array;
	let m = 0;
	for (let i = 0; i < got.length; i++) m = Math.max(m, Math.abs(got[i] - want[i]));
	return { m, fields: section(r) as unknown as Fields };
}

describe('inspect what-if (in process)', () => {
	it("--ablate, --ablate-mean and --zero: the reported run is the oracle's intervened one", async () => {
		const { m, fields } = await logitsDiff({ ablate: '0.1', 'ablate-mean': '2.0', zero: 'blocks.1.mlp' }, [
			{ kind: 'ablate', layer: 0, head: 1, mode: 'zero' },
			{ kind: 'ablate', layer: 2, head: 0, mode: 'mean' },
			{ kind: 'zero', layer: 1, branch: 'mlp' }
		]);
		expect(m).toBeLessThanOrEqual(1e-4);
		expect(fields.intervention.list.map((e: { spec: string }) => e.spec)).toEqual(['0.1', '2.0', 'blocks.1.mlp']);
		expect(fields.intervention.clean_output_max_abs_diff).toBeGreaterThan(1e-3);
	});

	it('--patch from --source-text, and --patch-file from a .npy', async () => {
		const p = await logitsDiff({ patch: ['blocks.1.hook_resid_mid@pos=3'], 'source-text': B }, [
			{ kind: 'patch', key: 'L1.resid_mid', position: 3, head: null, from: tokenize(B) }
		]);
		expect(p.m).toBeLessThanOrEqual(1e-4);
		const value = new Float64Array(tokenize(A).length * 64).map((_, i) => Math.sin(i) * 0.5);
		const file = join(dir, 'patch.npy');
		writeFileSync(file, encodeNpy({ dims: [1, tokenize(A).length, 64], dtype: 'float32', data: Float32Array.from(value) }));
		const f = await logitsDiff({ 'patch-file': [`blocks.2.hook_resid_pre=${file}`] }, [
			{ kind: 'patch', key: 'L1.resid_post', position: null, head: null, from: Float64Array.from(Float32Array.from(value)) }
		]);
		expect(f.m).toBeLessThanOrEqual(1e-4);
	});

	it('--lens and --attribute top: the fields the contract names', async () => {
		const { r, section } = await inspectWhatIf({ model, text: A }, whatIfArgs({ lens: true, attribute: 'top' }));
		const f = section(r) as unknown as Fields;
		expect(f.lens).toHaveLength(12);
		expect(f.lens[0]).toEqual({ layer: 0, point: 'resid_pre', top: expect.any(Array) });
		expect(f.lens[0].top).toHaveLength(A.length);
		expect(f.lens[0].top[0]).toHaveLength(5);
		expect(Object.keys(f.lens[0].top[0][0])).toEqual(['id', 'p']);
		const a = f.attribution;
		const want = oracleAttribution('pre-ln', tokenize(A), a.target, A.length - 1);
		expect(a.position).toBe(A.length - 1);
		expect(a.components.map((c: { name: string }) => c.name)).toEqual(want.components.map((c) => c.name));
		expect(Math.abs(a.sum - a.logit)).toBeLessThanOrEqual(1e-4);
	});
});

describe('inspect what-if (command line)', () => {
	const cli = (...args: string[]) =>
		spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/inspect.ts', model, ...args], {
			cwd: ROOT,
			encoding: 'utf8',
			env: { ...process.env, BLOCKSCOPE_THREADS: '1' }
		});

	it('--json carries intervention and attribution', () => {
		const r = cli('--ablate', '1.3', '--attribute', '5', '--position', '2', '--json');
		expect(r.stderr).toBe('');
		expect(r.status).toBe(0);
		const j = JSON.parse(r.stdout);
		expect(j.intervention.list).toEqual([{ spec: '1.3', kind: 'ablate', tensor: expect.any(String) }]);
		expect(j.attribution).toMatchObject({ target: 5, position: 2 });
		expect(j.attribution.components.find((c: { name: string }) => c.name === 'L1H3').value).toBe(0);
	});

	it('refuses bad requests with one line and exit code 2', () => {
		for (const [args, why] of [
			[['--ablate', '9.0'], /4 recognized blocks/],
			[['--source-text', 'abc'], /only feed --patch/]
		] as [string[], RegExp][]) {
			const r = cli(...args);
			expect(r.status, args.join(' ')).toBe(2);
			expect(r.stderr.trim().split('\n')).toHaveLength(1);
			expect(r.stderr).toMatch(why);
		}
	});
});

describe('inspect what-if refusals (in process)', () => {
	it('says what was wrong and what to do', async () => {
		expect(() => whatIfArgs({ ablate: 'x' })).toThrow(/LAYER.HEAD/);
		expect(() => whatIfArgs({ patch: ['blocks.0.hook_resid_mid'] })).toThrow(/give --source-text/);
		expect(() => whatIfArgs({ position: '1' })).toThrow(/goes with --attribute/);
		expect(() => whatIfArgs({ attribute: 'abc' })).toThrow(/--attribute expects an integer/);
		await expect(
			inspectWhatIf({ model, text: A }, whatIfArgs({ patch: ['blocks.0.hook_resid_mid'], 'source-text': 'short' }))
		).rejects.toThrow(/same shape/);
		await expect(inspectWhatIf({ model, text: A }, whatIfArgs({ patch: ['blocks.0.hook_nope'], 'source-text': B }))).rejects.toThrow(
			/no hook or tensor named/
		);
	});
});

describe('inspect what-if on a fused model', () => {
	it('--ablate on gpt2-ort-fused replaces a slice of the Attention op output; the outputs move', async () => {
		const { r, section } = await inspectWhatIf({ model: join(ROOT, 'models/gpt2-ort-fused.onnx'), text: A }, whatIfArgs({ ablate: '0.1' }));
		const f = section(r) as unknown as {
			intervention: Fields['intervention'] & { list: { spec: string; kind: string; tensor: string }[] };
		};
		expect(f.intervention.list).toHaveLength(1);
		expect(f.intervention.list[0]).toMatchObject({ spec: '0.1', kind: 'ablate' });
		const g = new Graph(readModel(new Uint8Array(readFileSync(join(ROOT, 'models/gpt2-ort-fused.onnx')))));
		expect(g.producer.get(f.intervention.list[0].tensor)!.opType).toBe('Attention');
		expect(f.intervention.clean_output_max_abs_diff).toBeGreaterThan(1e-4);
	}, 60_000);
});
