// The .npz export: a zoo run archived and read back bit for bit, the manifest, names,
// numpy.load, and `inspect --npz`.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, type Structure } from '../../src/lib/analysis';
import { inspectModel, type InspectResult } from '../../src/cli/run';
import { buildNpz, NPZ_FORMAT, npzManifest, readNpz, readZip, safeKey, unsafeZipName, type NpzManifest } from '../../src/lib/formats';
import { TensorStore, type CapturedTensor, type TensorData } from '../../src/lib/tensor';

const ROOT = join(__dirname, '../..');
const PRE_LN = join(ROOT, 'models/pre-ln.onnx');
const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
if (!hasNumpy) console.warn('npz.test: python3 with numpy not found; skipping the numpy.load checks');

const raw = (d: TensorData) => new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const DESCR: Record<string, string> = {
	float32: '<f4',
	float64: '<f8',
	float16: '<f2',
	bfloat16: '<u2',
	int64: '<i8',
	uint64: '<u8',
	int32: '<i4',
	uint32: '<u4',
	int16: '<i2',
	uint16: '<u2',
	int8: '|i1',
	uint8: '|u1',
	bool: '|b1'
};

function withTmp<T>(f: (dir: string) => T): T {
	const dir = mkdtempSync(join(tmpdir(), 'bs-npz-'));
	try {
		return f(dir);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** numpy.load's view of an archive: keys in order, dtype, shape and a SHA-256 of each array's bytes, the manifest. */
function numpyView(file: string): {
	files: string[];
	arrays: Record<string, { dtype: string; shape: number[]; sha: string }>;
	manifest: unknown;
} {
	const script = `
import numpy as np, json, hashlib, sys
z = np.load(sys.argv[1])
out = {"files": list(z.files), "arrays": {}, "manifest": json.loads(z["manifest.json"])}
for k in z.files:
    if k == "manifest.json": continue
    a = z[k]
    out["arrays"][k] = {"dtype": a.dtype.str, "shape": list(a.shape), "sha": hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()}
print(json.dumps(out))`;
	return JSON.parse(execFileSync('python3', ['-c', script, file], { maxBuffer: 1 << 26 }).toString());
}

/** Every tensor of `store` in `bytes`, bit for bit, and a manifest that describes it. */
function expectArchiveHolds(bytes: Uint8Array, store: Iterable<CapturedTensor>, structure: Structure | null): NpzManifest {
	const { manifest, arrays } = readNpz(bytes);
	expect(manifest).not.toBeNull();
	const m = manifest!;
	const list = [...store];
	expect(m.tensors.map((t) => t.onnx)).toEqual(list.map((t) => t.name));
	expect([...arrays.keys()]).toEqual(m.tensors.map((t) => t.key));
	list.forEach((t, i) => {
		const e = m.tensors[i];
		const a = arrays.get(e.key)!;
		expect([e.dims, e.dtype]).toEqual([t.dims, t.dtype]);
		expect([a.dims, a.dtype]).toEqual([t.dims, t.dtype]);
		expect(a.data.constructor).toBe(t.data.constructor);
		expect(Buffer.from(raw(a.data)).equals(Buffer.from(raw(t.data)))).toBe(true);
		expect(e.hook).toBe(structure?.hooks.get(t.name) ?? null);
	});
	return m;
}

describe.skipIf(!existsSync(PRE_LN))('npz from a zoo run (models/pre-ln.onnx)', () => {
	let r: InspectResult;
	let structure: Structure;
	let bytes: Uint8Array;
	const meta = () => ({
		model: 'pre-ln',
		backend: r.backend,
		capture: r.capture,
		text: 'the cat sat on the mat',
		tokens: r.tokens,
		inputs: r.graph.inputs.map((i) => i.name),
		outputs: r.graph.outputs.map((o) => o.name)
	});

	beforeAll(async () => {
		r = await inspectModel({ model: PRE_LN, threads: 1, text: 'the cat sat on the mat' });
		structure = analyze(r.graph);
		bytes = buildNpz(r.store, structure, meta());
	});

	it('reads back bit for bit with the manifest the brief asks for', () => {
		const m = expectArchiveHolds(bytes, r.store, structure);
		expect(m.tensors.length).toBe(r.store.size);
		expect(m).toMatchObject({
			format: NPZ_FORMAT,
			version: 1,
			model: 'pre-ln',
			backend: 'wasm',
			capture: 'all',
			text: 'the cat sat on the mat'
		});
		expect(m.tokens).toEqual(r.tokens);
		expect(m.skipped).toBeUndefined();

		// Hooked tensors are keyed by their hook, the rest by their (file-safe) ONNX name; keys are unique.
		const keys = m.tensors.map((t) => t.key.toLowerCase());
		expect(new Set(keys).size).toBe(keys.length);
		for (const t of m.tensors) {
			expect(t.key).toBe(t.hook ?? safeKey(t.onnx));
			expect(unsafeZipName(`${t.key}.npy`)).toBeNull();
		}
		// Every hook the analysis names, aliases included, leads to its tensor's key.
		for (const [hook, onnx] of structure.hookTensors) expect(m.hooks[hook]).toBe(m.tensors.find((t) => t.onnx === onnx)!.key);
		expect(Object.keys(m.hooks).length).toBe(structure.hookTensors.size);

		const byHook = (h: string) => m.tensors.find((t) => t.hook === h)!;
		expect(byHook('blocks.2.attn.hook_pattern')).toMatchObject({
			role: 'attn.hook_pattern',
			layer: 2,
			dims: [1, 4, 22, 22],
			dtype: 'float32'
		});
		expect(byHook('blocks.0.hook_resid_post')).toMatchObject({
			role: 'hook_resid_post',
			layer: 0,
			aliases: ['blocks.1.hook_resid_pre', 'blocks.1.ln1.hook_in']
		});
		expect(byHook('ln_final.hook_normalized')).toMatchObject({ role: 'ln_final.hook_normalized', layer: null });
		expect(m.tensors[0]).toMatchObject({ key: 'input_ids', onnx: 'input_ids', hook: null, role: 'input', layer: null, dtype: 'int64' });
		expect(m.tensors.find((t) => t.onnx === 'logits')).toMatchObject({ key: 'logits', role: 'output' });
		const plain = m.tensors.find((t) => t.hook === null && t.role === null)!;
		expect(plain.layer).toBeNull();

		// Same run, same archive, byte for byte; the manifest alone matches the one inside.
		expect(sha(buildNpz(r.store, structure, meta()))).toBe(sha(bytes));
		expect(JSON.parse(JSON.stringify(npzManifest(r.store, structure, meta())))).toEqual(m);
	});

	it('without a structure every tensor is keyed by ONNX name', () => {
		const m = expectArchiveHolds(buildNpz(r.store), r.store, null);
		for (const t of m.tensors) expect([t.key, t.hook, t.role, t.layer]).toEqual([safeKey(t.onnx), null, null, null]);
		expect(m).toMatchObject({ model: null, backend: null, text: null, hooks: {} });
	});

	it.skipIf(!hasNumpy)('numpy.load reads it: keys, shapes, dtypes and checksums; the README two-liner runs', () => {
		withTmp((dir) => {
			const file = join(dir, 'run.npz'); // the name the README's snippet opens
			writeFileSync(file, bytes);
			const got = numpyView(file);
			const m = readNpz(bytes).manifest!;
			expect(got.files).toEqual([...m.tensors.map((t) => t.key), 'manifest.json']);
			expect(got.manifest).toEqual(m);
			for (const [i, t] of [...r.store].entries()) {
				const a = got.arrays[m.tensors[i].key];
				expect(a).toEqual({ dtype: DESCR[t.dtype], shape: t.dims, sha: sha(raw(t.data)) });
			}
			// The snippet README.md shows, as it is written there.
			const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
			const snippet = /## Exporting tensors[\s\S]*?```python\n([\s\S]*?)```/.exec(readme)?.[1];
			expect(snippet).toBeDefined();
			const out = execFileSync('python3', ['-c', `${snippet}\nprint(pattern.shape, pattern.dtype, m["model"])`], { cwd: dir }).toString();
			expect(out.trim()).toBe('(1, 4, 22, 22) float32 pre-ln');
		});
	});
});

// A hand-made store: awkward names, clashes, every dtype the manifest must describe.
function awkward(): { store: TensorStore; naming: { hooks: Map<string, string>; hookTensors: Map<string, string> } } {
	const store = new TensorStore();
	const add = (name: string, dims: number[], dtype: CapturedTensor['dtype'], data: TensorData) => store.add({ name, dims, dtype, data });
	const f = (n: number, k = 1) => Float32Array.from({ length: n }, (_, i) => (i - 2) * k);
	const buf = new Float32Array(10).map((_, i) => i + 0.5);
	add('/h.0/attn/Softmax_output_0', [2, 2], 'float32', f(4));
	add('../../etc/passwd', [1], 'float32', f(1));
	add('a\u0000b\nc', [1], 'float32', f(1));
	add('x/y', [1], 'float32', f(1));
	add('X/Y', [1], 'float32', f(1, 2)); // the same file on a case-insensitive disk
	add('manifest.json', [1], 'float32', f(1, 3));
	add('', [1], 'float32', f(1, 4));
	add('...', [1], 'float32', f(1, 5));
	add('CON', [1], 'float32', f(1, 6));
	add('注意/頭', [1], 'float32', f(1, 7));
	add('n'.repeat(300), [1], 'float32', f(1, 8));
	add('norm_own', [3], 'float32', f(3, 9)); // a norm's own output behind an Identity: shares the hook
	add('norm_public', [3], 'float32', f(3, 10));
	add('blocks.0.hook_resid_pre', [1], 'float32', f(1, 11)); // an ONNX name that is also someone's hook
	add('resid', [1], 'float32', f(1, 12));
	add('view', [2, 2], 'float32', buf.subarray(3, 7)); // a view into a larger buffer
	add('half', [2], 'float16', Uint16Array.from([0x3c00, 0xfc00]));
	add('brain', [2], 'bfloat16', Uint16Array.from([0x3f80, 0x7fc0]));
	add('ids', [1, 3], 'int64', BigInt64Array.from([0n, -1n, 9223372036854775807n]));
	add('mask', [2], 'bool', Uint8Array.from([1, 0]));
	add('scalar', [], 'float64', Float64Array.from([Math.PI]));
	add('empty', [0, 3], 'float32', new Float32Array(0));
	add('words', [2], 'string', new Uint8Array(2)); // .npy cannot hold it
	const hooks = new Map([
		['norm_own', 'blocks.0.ln1.hook_normalized'],
		['norm_public', 'blocks.0.ln1.hook_normalized'],
		['resid', 'blocks.0.hook_resid_pre']
	]);
	const hookTensors = new Map([
		['blocks.0.ln1.hook_normalized', 'norm_public'],
		['blocks.0.hook_resid_pre', 'resid'],
		['blocks.0.ln1.hook_in', 'resid']
	]);
	return { store, naming: { hooks, hookTensors } };
}

describe('npz naming and dtypes', () => {
	it('keys are file-safe, unique (also case-insensitively), and the hooks win clashes', () => {
		const { store, naming } = awkward();
		const bytes = buildNpz(store, naming, { model: 'hand-made' });
		const written = [...store].filter((t) => t.dtype !== 'string');
		const m = expectArchiveHolds(bytes, written, { hooks: naming.hooks } as Structure);
		const key = (onnx: string) => m.tensors.find((t) => t.onnx === onnx)!.key;
		expect(key('/h.0/attn/Softmax_output_0')).toBe('h.0_attn_Softmax_output_0');
		expect(key('../../etc/passwd')).toBe('etc_passwd');
		expect(key('a\u0000b\nc')).toBe('a_b_c');
		expect(key('x/y')).toBe('x_y');
		expect(key('X/Y')).toBe('X_Y__2');
		expect(key('manifest.json')).toBe('manifest.json__2');
		expect(key('')).toBe('tensor');
		expect(key('...')).toBe('tensor__2');
		expect(key('CON')).toBe('t_CON');
		expect(key('注意/頭')).toBe('注意_頭');
		expect(key('n'.repeat(300))).toBe('n'.repeat(180));
		expect(key('norm_public')).toBe('blocks.0.ln1.hook_normalized'); // the tensor the hook officially names
		expect(key('norm_own')).toBe('norm_own');
		expect(key('resid')).toBe('blocks.0.hook_resid_pre');
		expect(key('blocks.0.hook_resid_pre')).toBe('blocks.0.hook_resid_pre__2');
		expect(m.hooks).toEqual({
			'blocks.0.ln1.hook_normalized': 'blocks.0.ln1.hook_normalized',
			'blocks.0.hook_resid_pre': 'blocks.0.hook_resid_pre',
			'blocks.0.ln1.hook_in': 'blocks.0.hook_resid_pre'
		});
		expect(m.tensors.find((t) => t.onnx === 'norm_own')).toMatchObject({
			hook: 'blocks.0.ln1.hook_normalized',
			role: 'ln1.hook_normalized',
			layer: 0
		});
		expect(m.tensors.find((t) => t.onnx === 'resid')!.aliases).toEqual(['blocks.0.ln1.hook_in']);
		expect(m.skipped).toEqual([{ onnx: 'words', dtype: 'string', why: '.npy cannot hold string tensors' }]);
		expect(m.model).toBe('hand-made');

		const names = readZip(bytes).map((e) => e.name);
		expect(names.at(-1)).toBe('manifest.json');
		expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
		for (const n of names) {
			expect(unsafeZipName(n)).toBeNull();
			expect(n).not.toMatch(/\/|\\|\.\.|[\u0000-\u001f]/);
			expect(new TextEncoder().encode(n).byteLength).toBeLessThan(255);
		}
		// bfloat16 comes back as bfloat16 (the manifest says so; the file holds uint16 bits)
		const back = readNpz(bytes).arrays;
		expect(back.get('brain')!.dtype).toBe('bfloat16');
		expect(Array.from(back.get('view')!.data as Float32Array)).toEqual([3.5, 4.5, 5.5, 6.5]);
	});

	it('extra meta fields are kept; an empty store gives an archive with only the manifest', () => {
		const m = readNpz(buildNpz(new TensorStore(), null, { model: 'm', created: '2026-01-01', head: 3 })).manifest!;
		expect(m).toMatchObject({ model: 'm', created: '2026-01-01', head: 3, tensors: [], hooks: {} });
	});

	it.skipIf(!hasNumpy)('numpy.load reads the awkward names and every dtype', () => {
		const { store, naming } = awkward();
		withTmp((dir) => {
			const file = join(dir, 'a.npz');
			const bytes = buildNpz(store, naming);
			writeFileSync(file, bytes);
			const got = numpyView(file);
			const m = readNpz(bytes).manifest!;
			expect(got.files).toEqual([...m.tensors.map((t) => t.key), 'manifest.json']);
			for (const t of m.tensors) {
				const src = store.get(t.onnx)!;
				expect(got.arrays[t.key]).toEqual({ dtype: DESCR[src.dtype], shape: src.dims, sha: sha(raw(src.data)) });
			}
		});
	});

	it.skipIf(!hasNumpy).each(['savez', 'savez_compressed'])('readNpz reads what numpy.%s writes', (fn) => {
		withTmp((dir) => {
			execFileSync('python3', [
				'-c',
				`import numpy as np; np.${fn}("${dir}/s.npz", a=np.arange(6, dtype=np.float32).reshape(2, 3), b=np.array([1, -2], dtype=np.int64))`
			]);
			const { manifest, arrays } = readNpz(new Uint8Array(readFileSync(join(dir, 's.npz'))));
			expect(manifest).toBeNull();
			expect([...arrays.keys()]).toEqual(['a', 'b']);
			expect([arrays.get('a')!.dims, Array.from(arrays.get('a')!.data as Float32Array)]).toEqual([
				[2, 3],
				[0, 1, 2, 3, 4, 5]
			]);
			expect(Array.from(arrays.get('b')!.data as BigInt64Array)).toEqual([1n, -2n]);
		});
	});
});

describe.skipIf(!existsSync(PRE_LN))('inspect --npz', () => {
	const cli = (...args: string[]) =>
		spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/inspect.ts', 'models/pre-ln.onnx', ...args], {
			cwd: ROOT,
			encoding: 'utf8',
			env: { ...process.env, BLOCKSCOPE_THREADS: '1' }
		});

	it('writes the archive the library builds: same tensors bit for bit, hooks, run info; loadable by numpy', async () => {
		const r = await inspectModel({ model: PRE_LN, threads: 1 });
		withTmp((dir) => {
			const file = join(dir, 'run.npz');
			const p = cli('--npz', file);
			expect(p.stderr).toBe('');
			expect(p.status).toBe(0);
			expect(p.stdout).toContain(`wrote ${r.store.size} tensors + manifest.json to ${file}`);
			const bytes = new Uint8Array(readFileSync(file));
			const structure = analyze(r.graph);
			const m = expectArchiveHolds(bytes, r.store, structure);
			expect(m).toMatchObject({
				model: 'models/pre-ln.onnx',
				backend: 'wasm',
				capture: 'all',
				text: null,
				inputs: ['input_ids'],
				outputs: ['logits']
			});
			expect(m.tokens).toEqual(r.tokens);
			expect(m.tensors.filter((t) => t.hook).length).toBe(structure.hooks.size);
			if (hasNumpy) {
				const got = numpyView(file);
				expect(got.files.length).toBe(r.store.size + 1);
				expect(got.arrays['blocks.0.attn.hook_pattern']).toMatchObject({ dtype: '<f4', shape: [1, 4, 22, 22] });
			}
			// --json keeps stdout one JSON object
			const j = cli('--json', '--capture', 'semantic', '--text', 'hello', '--npz', file);
			expect(j.status).toBe(0);
			expect(JSON.parse(j.stdout).capture).toBe('semantic');
			const m2 = readNpz(new Uint8Array(readFileSync(file))).manifest!;
			expect(m2).toMatchObject({ capture: 'semantic', text: 'hello' });
			expect(m2.tensors.find((t) => t.hook === 'blocks.3.attn.hook_pattern')?.key).toBe('blocks.3.attn.hook_pattern');
			// --compress: the same tensors, deflated (the causal patterns' zeros shrink), numpy loads it
			const stored = readNpz(new Uint8Array(readFileSync(file)));
			const storedBytes = readFileSync(file).byteLength;
			const c = cli('--json', '--capture', 'semantic', '--text', 'hello', '--npz', file, '--compress');
			expect(c.status).toBe(0);
			const packed = new Uint8Array(readFileSync(file));
			expect(packed.byteLength).toBeLessThan(storedBytes);
			expect(new DataView(packed.buffer).getUint16(8, true)).toBe(8); // deflate
			const back = readNpz(packed);
			expect(back.manifest!.tensors).toEqual(m2.tensors);
			for (const t of m2.tensors) expect(sha(raw(back.arrays.get(t.key)!.data))).toBe(sha(raw(stored.arrays.get(t.key)!.data)));
			if (hasNumpy) expect(numpyView(file).arrays['blocks.3.attn.hook_pattern']).toMatchObject({ dtype: '<f4', shape: [1, 4, 5, 5] });
		});
	});

	it('a path it cannot write is one line on stderr, exit 2, before the model runs', () => {
		withTmp((dir) => {
			for (const [file, why] of [
				[join(dir, 'no-such-folder', 'x.npz'), `the folder ${join(dir, 'no-such-folder')} does not exist`],
				[dir, 'is a folder']
			]) {
				const p = cli('--npz', file);
				expect(p.status).toBe(2);
				expect(p.stdout).toBe('');
				expect(p.stderr.trimEnd().split('\n')).toHaveLength(1);
				expect(p.stderr).toMatch(/^inspect: --npz /);
				expect(p.stderr).toContain(why);
			}
			expect(existsSync(join(dir, 'no-such-folder'))).toBe(false);
			const missing = cli('--npz');
			expect(missing.status).toBe(2);
			expect(missing.stderr).toMatch(/^inspect: .*--npz/);
			const alone = cli('--compress');
			expect([alone.status, alone.stderr]).toEqual([2, 'inspect: --compress applies to --npz FILE (give both)\n']);
		});
	});
});
