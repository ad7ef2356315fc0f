// Issue 8 through the inspect CLI as users run it: hostile and broken models give exit code 2 and
// one inert line on stderr (no stack trace); valid non-transformers run; names print inert.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModel } from '../../src/lib/onnx';
import { DT, buildModel, encodeModel, node, valueInfo } from '../../src/lib/onnx/build';
import {
	CONTROL,
	LONG,
	XSS,
	cnn,
	cycle,
	dangling,
	duplicateProducer,
	dynamicHidden,
	externalAt,
	mlp,
	namedModel,
	typedInputs
} from '../fixtures/hostile';

const ROOT = join(__dirname, '../..');
let dir = '';

function inspect(args: string[], env: Record<string, string> = {}) {
	const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/inspect.ts', ...args], {
		cwd: ROOT,
		encoding: 'utf8',
		timeout: 60_000,
		env: { ...process.env, BLOCKSCOPE_THREADS: '1', ...env }
	});
	return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 2, nothing on stdout, exactly one line on stderr: no stack frames, no raw control characters. */
function expectOneLineError(r: ReturnType<typeof inspect>, message: string | RegExp) {
	expect(r.code, r.stderr).toBe(2);
	expect(r.stdout).toBe('');
	expect(r.stderr.endsWith('\n')).toBe(true);
	expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
	expect(r.stderr).not.toMatch(/\bat .*:\d+:\d+/);
	expect(r.stderr.trimEnd()).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]/);
	if (typeof message === 'string') expect(r.stderr).toBe(`inspect: ${message}\n`);
	else expect(r.stderr).toMatch(message);
}

const file = (name: string) => join(dir, name);

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'bs-hostile-cli-'));
	const zoo = new Uint8Array(readFileSync(join(ROOT, 'models/pre-ln.onnx')));
	writeFileSync(file('cut-head.onnx'), zoo.subarray(0, 40));
	writeFileSync(file('cut-middle.onnx'), zoo.subarray(0, zoo.length >> 1));
	writeFileSync(file('cut-tail.onnx'), zoo.subarray(0, zoo.length - 3));
	writeFileSync(file('mlp.onnx'), mlp());
	writeFileSync(file('cnn.onnx'), cnn());
	writeFileSync(file('cycle.onnx'), cycle());
	writeFileSync(file('dangling.onnx'), dangling());
	writeFileSync(file('dup.onnx'), duplicateProducer());
	writeFileSync(file('typed.onnx'), typedInputs());
	writeFileSync(file('dyn.onnx'), dynamicHidden());
	writeFileSync(
		file('control.onnx'),
		namedModel((role) => `${role}:${CONTROL}`)
	);
	writeFileSync(
		file('xss.onnx'),
		namedModel((role) => `${role}:${XSS}`)
	);
	writeFileSync(
		file('long.onnx'),
		namedModel((role) => `${role}:${LONG}`)
	);
	const bad = readModel(dangling());
	bad.graph!.node[0].input[1] = `ghost${CONTROL}${LONG}`;
	writeFileSync(file('dangling-evil.onnx'), encodeModel(bad));
	mkdirSync(file('ext'));
	writeFileSync(file('ext/outside.onnx'), externalAt('../secret.bin'));
	writeFileSync(file('secret.bin'), new Uint8Array(64));
	// ORT runs Relu-6 but warns about opsets below 7 (on stderr, unless silenced).
	writeFileSync(
		file('opset6.onnx'),
		encodeModel(
			buildModel({
				name: 'r',
				opset: 6,
				nodes: [node('Relu', ['x'], ['y'])],
				inputs: [valueInfo('x', DT.FLOAT, [1, 4])],
				outputs: [valueInfo('y', DT.FLOAT, [1, 4])],
				initializers: []
			})
		)
	);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('inspect CLI on hostile and broken models', () => {
	it('a zoo model truncated at the head, the middle and the tail', () => {
		expectOneLineError(
			inspect([file('cut-head.onnx')]),
			/^inspect: Not a readable ONNX model: the data ends in the middle of a field after 40 bytes, so the file is truncated/
		);
		for (const f of ['cut-middle.onnx', 'cut-tail.onnx'])
			expectOneLineError(
				inspect([file(f)]),
				/^inspect: Not a readable ONNX model: .*(truncated|malformed).* Check that the file is a complete \.onnx export\.\n$/
			);
	});

	it('broken graphs: a cycle, a dangling input, a tensor produced twice', () => {
		expectOneLineError(
			inspect([file('cycle.onnx')]),
			'Invalid graph: it contains a cycle (2 nodes never become ready, the first is "node_a").'
		);
		expectOneLineError(
			inspect([file('dangling.onnx')]),
			'Invalid graph: node "adder" reads tensor "ghost", which no node, input or initializer provides.'
		);
		expectOneLineError(
			inspect([file('dup.onnx')]),
			'Invalid graph: tensor "y" is produced twice (by node "first" and node "second"). Every tensor name must be written once (ONNX graphs are in SSA form).'
		);
	});

	it('an error naming a tensor with control characters and 100k characters stays one short, inert line', () => {
		const r = inspect([file('dangling-evil.onnx')]);
		expectOneLineError(
			r,
			/^inspect: Invalid graph: node "adder" reads tensor "ghosta\\x1b\[31mRED\\x1b\[0m\\rb\\x07c\\x08d\\u202eevil\\u2028eL+\.\.\. \(100031 characters\)", which no node/
		);
		expect(r.stderr.length).toBeLessThan(300);
	});

	it('an MLP and a CNN run; the summary says no attention was found, and why', () => {
		const r = inspect([file('mlp.onnx')]);
		expect([r.code, r.stderr]).toEqual([0, '']);
		expect(r.stdout).toMatch(/^variant\s+unknown, 0 layers$/m);
		expect(r.stdout).toContain(
			'unplaced  attention: no attention found: the graph has no Softmax, so nothing computes an attention pattern (softmax of Q·K^T scores); it may not be a transformer\n'
		);
		const j = JSON.parse(inspect([file('cnn.onnx'), '--json']).stdout);
		expect(j.tensors.map((t: { name: string }) => t.name)).toEqual(['image', 'c', 'r', 'p', 'flat', 'logits', 'probs']);
		expect(j.unrecognized.at(-1)).toEqual({
			what: 'attention',
			why: 'no attention found: its one Softmax does not normalize Q·K^T scores (see the note above)'
		});
	});

	it('int32, int64, bool and float16 inputs run; a dim with no sensible default is refused with what to do', () => {
		const j = JSON.parse(inspect([file('typed.onnx'), '--json']).stdout);
		expect(j.inputs).toEqual([
			{ name: 'ids32', dims: [1, 16], dtype: 'int32' },
			{ name: 'positions', dims: [1, 16], dtype: 'int64' },
			{ name: 'keep', dims: [1, 16], dtype: 'bool' },
			{ name: 'half', dims: [1, 16], dtype: 'float16' },
			{ name: 'x', dims: [1, 16], dtype: 'float32' }
		]);
		expectOneLineError(
			inspect([file('dyn.onnx')]),
			'Input "x" has dim 2 "hidden" with no sensible default (it must match the weights). Give the input as a file (--input NAME=FILE.npy).'
		);
	});

	it('names with control characters print escaped in the summary; --json keeps them exact but escaped', () => {
		const r = inspect([file('control.onnx')]);
		expect([r.code, r.stderr]).toEqual([0, '']);
		expect(r.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]/); // only \n and spaces
		expect(r.stdout).toContain('input     input:a\\x1b[31mRED\\x1b[0m\\rb\\x07c\\x08d\\u202eevil\\u2028e float32 [1, 16, 4]');
		const json = inspect([file('control.onnx'), '--json']).stdout;
		expect(json).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2028\u2029]/);
		expect(JSON.parse(json).inputs[0].name).toBe(`input:${CONTROL}`);
	});

	it('HTML in names is printed as the text it is; 100k-character names are clipped in the summary', () => {
		const x = inspect([file('xss.onnx')]);
		expect(x.code).toBe(0);
		expect(x.stdout).toContain(`input     input:${XSS} float32`);
		const l = inspect([file('long.onnx')]);
		expect([l.code, l.stderr]).toEqual([0, '']);
		const lines = l.stdout.split('\n');
		expect(Math.max(...lines.map((s) => s.length))).toBeLessThan(1100);
		expect(l.stdout).toContain('... (100006 characters)');
		expect(JSON.parse(inspect([file('long.onnx'), '--json']).stdout).outputs).toEqual([`output:${LONG}`]);
	});

	it('the memory budget: a model over it is refused with both sizes; a bad setting is named', () => {
		expectOneLineError(
			inspect([file('mlp.onnx')], { BLOCKSCOPE_MEMORY_BUDGET: '1K' }),
			/^inspect: mlp\.onnx is 2\.\d KiB, over the 1\.0 KiB limit \(memory budget: BLOCKSCOPE_MEMORY_BUDGET=1K\); it was not loaded\. Use a smaller model, or raise the budget if this machine has the memory\.\n$/
		);
		expectOneLineError(
			inspect([file('mlp.onnx')], { BLOCKSCOPE_MEMORY_BUDGET: 'lots' }),
			'BLOCKSCOPE_MEMORY_BUDGET=lots is not a size. Use a byte count or a number with K, M or G, e.g. 512M or 8G.'
		);
	});

	it('external data outside the model folder is refused without reading it', () => {
		expectOneLineError(
			inspect([file('ext/outside.onnx')]),
			'External data location "../secret.bin" points outside the model\'s folder; refusing to read it. External data files must sit in the model\'s folder (or below it), named by a relative path.'
		);
	});

	it("onnxruntime's own warnings (an opset below 7) stay off stderr unless --debug", () => {
		const r = inspect([file('opset6.onnx'), '--capture', 'none']);
		expect([r.code, r.stderr]).toEqual([0, '']);
		expect(inspect([file('opset6.onnx'), '--capture', 'none', '--debug']).stderr).toMatch(/opset version 7/);
	});
});
