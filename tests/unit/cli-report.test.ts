// inspect's issue 5/6 fields: layers[i].stats, final_norm_stats, health, and --check, on the
// committed zoo. In-process through inspectModel + buildReport (the CLI's own path) for every
// model; two subprocess runs for the exit codes and stderr.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspectModel } from '../../src/cli/run';
import { buildReport } from '../../src/cli/report';
import { checkProblems } from '../../src/cli/check';
import { parseCli, USAGE } from '../../src/cli/args';

const ROOT = join(__dirname, '../..');
const MODELS = join(ROOT, 'models');
interface ZooEntry {
	id: string;
	file: string;
	first_nonfinite?: { all: string; semantic: string };
}
const zoo: ZooEntry[] = JSON.parse(readFileSync(join(MODELS, 'index.json'), 'utf8'));
const healthy = zoo.filter((z) => !z.first_nonfinite);
const broken = zoo.filter((z) => z.first_nonfinite);

function inspect(...args: string[]) {
	const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/inspect.ts', ...args], {
		cwd: ROOT,
		encoding: 'utf8',
		env: { ...process.env, BLOCKSCOPE_THREADS: '1' }
	});
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const NORM_KEYS = ['mean', 'var', 'ms', 'scale', 'out_mean', 'out_var'];
const RESID_KEYS = ['pre', 'mid', 'post', 'attn_ratio', 'mlp_ratio'];
const HEALTH_KEYS = ['nonfinite', 'first_nonfinite', 'softmax_row_sum_max_err', 'fp16_overflow'];
const isSeries = (a: unknown, n: number) => Array.isArray(a) && a.length === n && a.every((v) => typeof v === 'number');

describe('--json: stats and health on the committed zoo', () => {
	it('there is at least one broken member and it comes with its answer', () => {
		expect(healthy.length).toBeGreaterThanOrEqual(6);
		expect(broken.map((b) => b.id)).toContain('broken-ffn');
	});

	it.each(healthy.map((z) => z.file))('%s: layers[i].stats as the contract says; first_nonfinite null; --check passes', async (file) => {
		const r = await inspectModel({ model: join(MODELS, file), threads: 1 });
		const j = JSON.parse(JSON.stringify(buildReport(r)));
		const S = j.tokens.length;
		expect(j.layers.length).toBe(4);
		for (const L of j.layers) {
			expect(L.stats.norms).toHaveLength(L.norms.length);
			L.stats.norms.forEach((s: Record<string, unknown>, k: number) => {
				for (const key of NORM_KEYS) expect(key in s, key).toBe(true);
				expect([s.input, s.output]).toEqual([L.norms[k].input, L.norms[k].output]);
				expect(isSeries(s.out_mean, S) && isSeries(s.out_var, S)).toBe(true);
				const kind = L.norms[k].kind;
				expect(isSeries(s.mean, S)).toBe(kind === 'layernorm');
				expect(isSeries(s.var, S)).toBe(kind === 'layernorm');
				expect(isSeries(s.ms, S)).toBe(kind === 'rmsnorm');
				expect(isSeries(s.scale, S)).toBe(kind !== 'dyt');
				expect(isSeries(s.saturation, S)).toBe(kind === 'dyt');
				if (kind !== 'dyt') expect([s.mean, s.var, s.ms].filter((v) => v === null)).toHaveLength(kind === 'layernorm' ? 1 : 2);
			});
			for (const key of RESID_KEYS) expect(key in L.stats.resid, key).toBe(true);
			for (const key of ['pre', 'post', 'attn_ratio', 'mlp_ratio']) expect(isSeries(L.stats.resid[key], S), key).toBe(true);
			expect(L.stats.resid.mid === null).toBe(j.variant === 'parallel');
		}
		expect(j.final_norm_stats === null).toBe(j.final_norm === null);
		for (const key of HEALTH_KEYS) expect(key in j.health, key).toBe(true);
		expect(j.health.nonfinite).toEqual([]);
		expect(j.health.first_nonfinite).toBeNull();
		expect(j.health.fp16_overflow).toEqual([]);
		expect(j.health.softmax_row_sum_max_err).toBeLessThan(1e-5);
		expect(j.health.capture).toMatchObject({ set: 'all', exposed: j.exposed, fusion: [] });
		expect(checkProblems(r)).toEqual([]);
	});

	it.each(broken.map((z) => [z.file, z.first_nonfinite!] as const))(
		'%s: names its first non-finite tensor under --capture all and semantic',
		async (file, want) => {
			const all = await inspectModel({ model: join(MODELS, file), threads: 1 });
			const j = JSON.parse(JSON.stringify(buildReport(all)));
			expect(j.health.first_nonfinite).toBe(want.all);
			expect(j.health.nonfinite[0].tensor).toBe(want.all);
			expect(j.health.first_nonfinite_node).toMatchObject({ tensor: want.all, node: 'layer2/mlp/MatMul_1', op: 'MatMul' });
			expect(j.health.first_nonfinite_node.inputs).toContainEqual({ name: 'layer2.mlp.w2.weight', source: 'initializer', nan: 0, inf: 1 });
			expect(j.health.nonfinite_initializers).toEqual([{ name: 'layer2.mlp.w2.weight', nan: 0, inf: 1 }]);
			// Column 7 of the MatMul output is non-finite for every token, and nothing else in it.
			const t = all.store.get(want.all)!;
			const d = t.data as Float32Array;
			const bad = [...d.keys()].filter((i) => !Number.isFinite(d[i]));
			expect(bad).toEqual(Array.from({ length: t.dims[1] }, (_, s) => s * 64 + 7));
			// Everything downstream of layer 3's first norm is NaN; masks before it are still only masks.
			expect(j.health.nonfinite.map((e: { tensor: string }) => e.tensor)).toContain('logits');
			expect(j.health.masked.map((m: { tensor: string }) => m.tensor)).toEqual([
				'layer0/masked',
				'layer1/masked',
				'layer2/masked',
				'layer3/masked'
			]);
			expect(j.health.softmax_nonfinite_rows).toBe(4 * j.tokens.length); // layer 3's pattern: 4 heads x S rows
			expect(checkProblems(all)[0]).toMatch(new RegExp(`^first non-finite tensor "${want.all}"`));

			const sem = await inspectModel({ model: join(MODELS, file), threads: 1, capture: 'semantic' });
			const js = JSON.parse(JSON.stringify(buildReport(sem)));
			expect(js.health.first_nonfinite).toBe(want.semantic);
			expect(js.health.first_nonfinite_node.why).toMatch(/not captured/);
		}
	);
});

describe('--check', () => {
	it('parses, and the usage says what exit code 1 means', () => {
		expect(parseCli(['m.onnx', '--check']).check).toBe(true);
		expect(parseCli(['m.onnx']).check).toBe(false);
		expect(USAGE).toMatch(/--check/);
		expect(USAGE).toMatch(/1 --check found a problem/);
	});

	it('broken-ffn --json --check: exit 1, why on stderr, the JSON on stdout names the tensor', () => {
		const r = inspect('models/broken-ffn.onnx', '--json', '--check');
		expect(r.code).toBe(1);
		const lines = r.stderr.trimEnd().split('\n');
		expect(lines[0]).toBe(
			'inspect --check: first non-finite tensor "layer2/mlp/MatMul_1" (22 Inf): MatMul "layer2/mlp/MatMul_1" read initializer "layer2.mlp.w2.weight" holding 1 Inf'
		);
		expect(lines.every((l) => l.startsWith('inspect --check: '))).toBe(true);
		expect(JSON.parse(r.stdout).health.first_nonfinite).toBe('layer2/mlp/MatMul_1');
	});

	it('pre-ln --check: exit 0, health in the summary, nothing on stderr', () => {
		const r = inspect('models/pre-ln.onnx', '--check');
		expect(r.stderr).toBe('');
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/^health {4}no NaN or Inf in \d+ float tensors; 4 mask tensors hold -inf by design$/m);
		expect(r.stdout).toMatch(/^softmax {3}352 attention rows, max \|sum - 1\| [\d.e-]+$/m);
		expect(r.stdout).toMatch(/^stream {4}mean \|\|resid\|\| per block: ([\d.]+ -> ){4}[\d.]+$/m);
	});
});
