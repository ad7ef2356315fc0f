// The committed zoo through the inspect CLI: every captured tensor is listed, in graph order.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Graph, readModel } from '../../src/lib/onnx';
import { inspectModel } from '../../src/cli/run';
import { analyze } from '../../src/lib/analysis';

const ROOT = join(__dirname, '../..');
const MODELS = join(ROOT, 'models');
const zoo: { file: string }[] = existsSync(join(MODELS, 'index.json')) ? JSON.parse(readFileSync(join(MODELS, 'index.json'), 'utf8')) : [];

/** What `--capture all` must list: the inputs, then every node output (Constants skipped) in graph order. */
function expectedNames(file: string): string[] {
	const g = new Graph(readModel(new Uint8Array(readFileSync(file))));
	const names = g.inputs.map((i) => i.name);
	for (const n of g.nodes) {
		if (n.opType === 'Constant' && n.domain === '') continue;
		// Skip*Normalization's mean and inv_std_var are training-only (WebGPU never writes them): not captured.
		const skip = n.domain === 'com.microsoft' && n.opType.startsWith('Skip') ? [1, 2] : [];
		n.outputs.forEach((o, i) => {
			if (o && !skip.includes(i) && !g.initializers.has(o) && !names.includes(o)) names.push(o);
		});
	}
	return names;
}

describe.skipIf(!existsSync(join(MODELS, 'pre-ln.onnx')))('inspect on the zoo', () => {
	it('`inspect models/pre-ln.onnx --json` lists every captured tensor', () => {
		const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/inspect.ts', 'models/pre-ln.onnx', '--json'], {
			cwd: ROOT,
			encoding: 'utf8',
			env: { ...process.env, BLOCKSCOPE_THREADS: '1' }
		});
		expect(r.stderr).toBe('');
		expect(r.status).toBe(0);
		const j = JSON.parse(r.stdout);
		expect(j.backend).toBe('wasm');
		expect(j.capture).toBe('all');
		expect(j.inputs).toEqual([{ name: 'input_ids', dims: [1, 22], dtype: 'int64' }]);
		expect(j.tokens.join('')).toBe('the cat sat on the mat');
		const names = j.tensors.map((t: { name: string }) => t.name);
		expect(names).toEqual(expectedNames(join(MODELS, 'pre-ln.onnx')));
		expect(names).toEqual(expect.arrayContaining(j.outputs));
		for (const t of j.tensors) {
			expect(Array.isArray(t.dims) && t.dims.every((d: unknown) => Number.isInteger(d))).toBe(true);
			expect(typeof t.dtype).toBe('string');
			expect('hook' in t).toBe(true);
		}
	});

	it('--json carries the recognition fields and hooks; --capture semantic lists the named tensors', () => {
		const run = (...args: string[]) =>
			JSON.parse(
				spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/inspect.ts', 'models/pre-ln.onnx', '--json', ...args], {
					cwd: ROOT,
					encoding: 'utf8',
					env: { ...process.env, BLOCKSCOPE_THREADS: '1' }
				}).stdout
			);
		const j = run();
		const structure = analyze(new Graph(readModel(new Uint8Array(readFileSync(join(MODELS, 'pre-ln.onnx'))))));
		expect(j.variant).toBe('pre-norm');
		expect(j.layers).toHaveLength(4);
		expect(j.final_norm).not.toBeNull();
		expect(j.unrecognized).toEqual([]);
		for (const t of j.tensors) expect(t.hook).toBe(structure.hooks.get(t.name) ?? null);
		for (let i = 0; i < 4; i++)
			expect(j.tensors.find((t: { name: string }) => t.name === j.layers[i].attention.pattern).hook).toBe(`blocks.${i}.attn.hook_pattern`);

		const sem = run('--capture', 'semantic');
		expect(sem.capture).toBe('semantic');
		const names: string[] = sem.tensors.map((t: { name: string }) => t.name);
		const want = new Set(['input_ids', ...structure.semantic, ...sem.outputs]);
		expect(new Set(names)).toEqual(want);
		expect(names).toEqual(j.tensors.map((t: { name: string }) => t.name).filter((n: string) => want.has(n))); // graph order
	});

	it.each(zoo.map((z) => z.file).filter((f) => f !== 'pre-ln.onnx'))('%s: every node output is captured', async (file) => {
		const r = await inspectModel({ model: join(MODELS, file), threads: 1 });
		// Fused members also hold the tensors recomputed after the run (patterns, hidden Skip sums), after the captured ones.
		const derived = (r.recognition.structure?.derived ?? []).map((d) => d.name).filter((n) => r.store.get(n));
		expect(r.store.order).toEqual([...expectedNames(join(MODELS, file)), ...derived]);
		if (file.includes('fused') || file.includes('int4')) {
			expect(derived.length).toBeGreaterThan(0);
			const g = new Graph(readModel(new Uint8Array(readFileSync(join(MODELS, file)))));
			const stats = g.nodes.filter((n) => n.opType.startsWith('Skip')).flatMap((n) => n.outputs.slice(1, 3).filter(Boolean));
			expect(stats.length).toBeGreaterThan(0);
			for (const s of stats) expect(r.store.get(s)).toBeUndefined();
		}
	});
});
