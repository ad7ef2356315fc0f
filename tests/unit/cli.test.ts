// The inspect CLI as users run it: a subprocess, its stdout, stderr and exit code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNpy, encodeNpy } from '../../src/lib/formats';
import { fileNames } from '../../src/lib/runtime/node/dump';
import { inspectModel } from '../../src/cli/run';
import { uniform } from '../../src/lib/stats/random';
import { externalModel, floatModel, tokenModel } from './cli-fixtures';

const ROOT = join(__dirname, '../..');
let dir = '';

function inspect(...args: string[]) {
	const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/inspect.ts', ...args], {
		cwd: ROOT,
		encoding: 'utf8',
		env: { ...process.env, BLOCKSCOPE_THREADS: '1' }
	});
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 2 and exactly one line on stderr, no stack trace, nothing on stdout. */
function expectOneLineError(r: ReturnType<typeof inspect>, pattern: RegExp) {
	expect(r.code).toBe(2);
	expect(r.stdout).toBe('');
	expect(r.stderr.endsWith('\n')).toBe(true);
	expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
	expect(r.stderr).not.toMatch(/\bat .*:\d+:\d+/); // no stack frames
	expect(r.stderr).toMatch(pattern);
}

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'bs-cli-'));
	writeFileSync(join(dir, 'token.onnx'), tokenModel());
	writeFileSync(join(dir, 'float.onnx'), floatModel());
	writeFileSync(join(dir, 'empty.onnx'), new Uint8Array(0));
	const u = uniform(1234);
	writeFileSync(
		join(dir, 'random.onnx'),
		Uint8Array.from({ length: 4096 }, () => Math.floor(u() * 256))
	);
	writeFileSync(join(dir, 'image.onnx'), Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
	writeFileSync(join(dir, 'text.onnx'), 'hello, this is not a model\n');
	const ext = externalModel();
	writeFileSync(join(dir, 'ext.onnx'), ext.model);
	writeFileSync(join(dir, 'ext-missing.onnx'), ext.model);
	writeFileSync(join(dir, ext.location), ext.data);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('inspect CLI: errors are one line, exit code 2', () => {
	it.each([
		['a missing file', ['nope.onnx'], /No such file: .*nope\.onnx/],
		['an empty file', ['empty.onnx'], /empty/],
		['random bytes', ['random.onnx'], /Not (a readable )?ONNX model/i],
		['a PNG header', ['image.onnx'], /PNG image, not an ONNX model/],
		['a text file', ['text.onnx'], /Not (a readable )?ONNX model/i],
		['a directory', ['.'], /directory/]
	])('%s', (_, [file], pattern) => {
		expectOneLineError(inspect(join(dir, file)), pattern);
	});

	it('bad arguments', () => {
		expectOneLineError(inspect(), /missing MODEL\.onnx/);
		expectOneLineError(inspect(join(dir, 'float.onnx'), '--bogus'), /unknown option --bogus/);
		expectOneLineError(inspect(join(dir, 'float.onnx'), '--capture', 'most'), /--capture must be all, semantic or none/);
		expectOneLineError(inspect(join(dir, 'float.onnx'), '--seed', 'abc'), /--seed expects an integer/);
		expectOneLineError(inspect(join(dir, 'float.onnx'), '--input', 'x'), /--input expects NAME=FILE\.npy/);
		expectOneLineError(inspect(join(dir, 'float.onnx'), '--input', 'nope=a.npy'), /no input "nope"/);
		expectOneLineError(inspect(join(dir, 'float.onnx'), '--input', `x=${join(dir, 'float.onnx')}`), /--input x: .*Not a NumPy/);
		expectOneLineError(inspect(join(dir, 'a.onnx'), join(dir, 'b.onnx')), /expected one model file/);
	});

	it('--debug adds the stack trace', () => {
		const r = inspect(join(dir, 'empty.onnx'), '--debug');
		expect(r.code).toBe(2);
		expect(r.stderr.split('\n')[0]).toMatch(/^inspect: The file is empty/);
		expect(r.stderr).toMatch(/\bat .*:\d+:\d+/);
	});

	it('external data: names the missing file; reads it from the model folder when present', () => {
		rmSync(join(dir, 'weights.bin'), { force: true });
		expectOneLineError(inspect(join(dir, 'ext-missing.onnx')), /"weights\.bin", which is not next to it/);
		writeFileSync(join(dir, externalModel().location), externalModel().data);
		const ext = JSON.parse(inspect(join(dir, 'ext.onnx'), '--json').stdout);
		const plain = JSON.parse(inspect(join(dir, 'float.onnx'), '--json').stdout);
		expect(ext.external_data).toEqual(['weights.bin']);
		expect(ext.tensors.map((t: { name: string }) => t.name)).toEqual(['x', 'h', 'y']);
		expect(plain.external_data).toEqual([]);
	});
});

describe('inspect CLI: output', () => {
	it('--json prints exactly one JSON object with the contract fields', () => {
		const r = inspect(join(dir, 'token.onnx'), '--json', '--text', 'the mat');
		expect(r.code).toBe(0);
		expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
		const j = JSON.parse(r.stdout);
		expect(j.backend).toBe('wasm');
		expect(j.capture).toBe('all');
		expect(j.inputs).toEqual([{ name: 'input_ids', dims: [1, 7], dtype: 'int64' }]);
		expect(j.outputs).toEqual(['probs']);
		expect(j.tokens).toEqual(['t', 'h', 'e', ' ', 'm', 'a', 't']);
		expect(j.tensors).toEqual([
			{ name: 'input_ids', dims: [1, 7], dtype: 'int64', hook: j.tensors[0].hook },
			{ name: 'x', dims: [1, 7, 8], dtype: 'float32', hook: j.tensors[1].hook },
			{ name: 'ln', dims: [1, 7, 8], dtype: 'float32', hook: j.tensors[2].hook },
			{ name: 'h', dims: [1, 7, 8], dtype: 'float32', hook: j.tensors[3].hook },
			{ name: 'probs', dims: [1, 7, 8], dtype: 'float32', hook: j.tensors[4].hook }
		]);
		for (const t of j.tensors) expect(t.hook === null || typeof t.hook === 'string').toBe(true);
	});

	it('--capture none runs the plain model: inputs and outputs only', () => {
		const j = JSON.parse(inspect(join(dir, 'token.onnx'), '--json', '--capture', 'none').stdout);
		expect(j.capture).toBe('none');
		expect(j.tensors.map((t: { name: string }) => t.name)).toEqual(['input_ids', 'probs']);
	});

	it('--capture semantic exposes only named tensors; an unrecognized model still runs with hooks null', () => {
		const j = JSON.parse(inspect(join(dir, 'token.onnx'), '--json', '--capture', 'semantic').stdout);
		expect(j.capture).toBe('semantic');
		const all = JSON.parse(inspect(join(dir, 'token.onnx'), '--json').stdout);
		expect(all.tensors.map((t: { name: string }) => t.name)).toEqual(
			expect.arrayContaining(j.tensors.map((t: { name: string }) => t.name))
		);
		const plain = JSON.parse(inspect(join(dir, 'float.onnx'), '--json').stdout);
		expect(plain.variant).toBe('unknown');
		expect(plain.layers).toEqual([]);
		expect(plain.tensors.every((t: { hook: unknown }) => t.hook === null)).toBe(true);
	});

	it('prints a readable summary without --json', () => {
		const r = inspect(join(dir, 'float.onnx'), '--seq', '3');
		expect(r.code).toBe(0);
		expect(r.stderr).toBe('');
		expect(r.stdout).toMatch(/^backend\s+wasm \(Node/m);
		expect(r.stdout).toMatch(/^capture\s+all: 1 intermediate exposed/m);
		expect(r.stdout).toMatch(/^input\s+x float32 \[1, 3, 4\]/m);
		expect(r.stdout).toMatch(/^attention_mask\s+int64\s+\[1,3\]\s+1\s+1\s+1$/m);
	});

	it('--dump writes .npy files and a manifest that decode to the captured values', async () => {
		const out = join(dir, 'dump');
		const r = inspect(join(dir, 'float.onnx'), '--dump', out, '--seed', '5', '--json');
		expect(r.code).toBe(0);
		const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
		expect(manifest.capture).toBe('all');
		expect(manifest.tensors.map((t: { name: string }) => t.name)).toEqual(['x', 'attention_mask', 'h', 'y', 'm']);
		// The same run in-process: the files hold exactly what was captured.
		const ref = await inspectModel({ model: join(dir, 'float.onnx'), seed: 5, threads: 1 });
		for (const e of manifest.tensors) {
			const a = decodeNpy(new Uint8Array(readFileSync(join(out, e.file))));
			const t = ref.store.get(e.name)!;
			expect([a.dims, a.dtype]).toEqual([t.dims, t.dtype]);
			expect(e.dims).toEqual(t.dims);
			expect(a.data).toEqual(t.data);
		}
		// And the values are right: y = relu(x W), W as the fixture defines it.
		const x = decodeNpy(new Uint8Array(readFileSync(join(out, 'x.npy')))).data as Float32Array;
		const y = decodeNpy(new Uint8Array(readFileSync(join(out, 'y.npy')))).data as Float32Array;
		const W = (i: number, j: number) => ((((4 * i + j) * 7) % 11) - 5) * 0.5;
		for (let row = 0; row < 16; row++)
			for (let j = 0; j < 4; j++) {
				let h = 0;
				for (let i = 0; i < 4; i++) h += x[row * 4 + i] * W(i, j);
				expect(y[row * 4 + j]).toBeCloseTo(Math.max(0, h), 5);
			}
	});

	it('--input feeds a .npy file; its dtype and fixed dims are checked', () => {
		const file = join(dir, 'x.npy');
		const x = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i / 10);
		writeFileSync(file, encodeNpy({ dims: [2, 3, 4], dtype: 'float32', data: x }));
		const out = join(dir, 'dump-in');
		const r = inspect(join(dir, 'float.onnx'), '--input', `x=${file}`, '--dump', out, '--json');
		expect(r.code).toBe(0);
		const j = JSON.parse(r.stdout);
		expect(j.inputs).toEqual([
			{ name: 'x', dims: [2, 3, 4], dtype: 'float32' },
			{ name: 'attention_mask', dims: [2, 3], dtype: 'int64' }
		]);
		expect(decodeNpy(new Uint8Array(readFileSync(join(out, 'x.npy')))).data).toEqual(x);
		const ids = join(dir, 'ids.npy');
		writeFileSync(ids, encodeNpy({ dims: [1, 3], dtype: 'int64', data: BigInt64Array.from([1n, 2n, 3n]) }));
		expectOneLineError(inspect(join(dir, 'float.onnx'), '--input', `x=${ids}`), /expects float32, .* holds int64/);
		const tok = JSON.parse(inspect(join(dir, 'token.onnx'), '--input', `input_ids=${ids}`, '--json').stdout);
		expect(tok.tokens).toEqual([' ', 'a', 'c']);
		writeFileSync(file, encodeNpy({ dims: [2, 3, 5], dtype: 'float32', data: new Float32Array(30) }));
		expectOneLineError(inspect(join(dir, 'float.onnx'), '--input', `x=${file}`), /expects shape \[batch, seq, 4\]/);
	});

	it('file names in a dump are sanitized and unique', () => {
		expect(fileNames(['a/b:c', 'a_b_c', 'A_B_C', '..', '', 'manifest', 'x'.repeat(300)])).toEqual([
			'a_b_c.npy',
			'a_b_c__2.npy',
			'A_B_C__3.npy',
			'tensor.npy',
			'tensor__2.npy',
			'manifest.npy',
			'x'.repeat(120) + '.npy'
		]);
	});

	it('runs as `npm run -s inspect`', () => {
		const r = spawnSync('npm', ['run', '-s', 'inspect', '--', join(dir, 'float.onnx'), '--json', '--capture', 'none'], {
			cwd: ROOT,
			encoding: 'utf8'
		});
		expect(r.status).toBe(0);
		expect(JSON.parse(r.stdout).outputs).toEqual(['y', 'm']);
	});
});
