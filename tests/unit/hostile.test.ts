// Hostile input in the pure and Node layers: whatever a model file holds, reading, graph building,
// analysis, default inputs and onnxruntime either work or refuse with one clear ModelError.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { analyze } from '../../src/lib/analysis';
import {
	Graph,
	ModelError,
	bufferOf,
	checkExternalSizes,
	displayName,
	externalRefs,
	inert,
	inertJson,
	missingExternalError,
	missingExternalFiles,
	ortError,
	readModel
} from '../../src/lib/onnx';
import { CaptureSession, type OrtModule } from '../../src/lib/runtime';
import { defaultInputs } from '../../src/lib/runtime/inputs';
import {
	BUDGET_ENV,
	DEFAULT_BROWSER_BUDGET,
	GiB,
	MiB,
	checkInputSize,
	formatBytes,
	memoryBudget,
	overBudget,
	parseBytes
} from '../../src/lib/runtime/limits';
import { loadExternalData, nodeBudget, readModelFile } from '../../src/lib/runtime/node';
import {
	CONTROL,
	LONG,
	NUL,
	PNG,
	SCRIPT,
	XSS,
	cnn,
	cycle,
	dangling,
	duplicateGraphOutput,
	duplicateProducer,
	dynamicHidden,
	externalAt,
	hugeInput,
	longChain,
	missingOutput,
	mlp,
	namedModel,
	randomBytes,
	typedInputs,
	wide
} from '../fixtures/hostile';
import { buildBlocks } from '../fixtures/blocks';
import { encodeModel } from '../../src/lib/onnx/build';

ort.env.wasm.numThreads = 1;
const ORT = ort as unknown as OrtModule;
const ZOO = new URL('../../models/', import.meta.url);
const preLn = () => new Uint8Array(readFileSync(new URL('pre-ln.onnx', ZOO)));

/** The ModelError `f` throws (fails the test when it throws anything else or nothing). */
function refusal(f: () => unknown): ModelError {
	try {
		f();
	} catch (e) {
		if (e instanceof ModelError) return e;
		throw new Error(`expected a ModelError, got ${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e });
	}
	throw new Error('expected a ModelError, nothing was thrown');
}

const open = (bytes: Uint8Array) => new Graph(readModel(bytes));

/** Runs the model the way the CLI and the page do: every intermediate exposed. */
async function run(bytes: Uint8Array) {
	const graph = open(bytes);
	const feeds = defaultInputs(graph);
	const session = await CaptureSession.create(ORT, bufferOf(bytes.slice()), graph, {
		backend: 'wasm',
		captureSet: 'all',
		sessionOptions: { logSeverityLevel: 3 }
	});
	try {
		return { graph, feeds, store: await session.run(feeds) };
	} finally {
		await session.release();
	}
}

describe('files that are not ONNX models', () => {
	it('empty, PNG, and other formats people pick by mistake are named', () => {
		const cases: [Uint8Array, string][] = [
			[new Uint8Array(0), 'The file is empty (0 bytes).'],
			[PNG, 'This is a PNG image, not an ONNX model.'],
			[Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]), 'This is a JPEG image, not an ONNX model.'],
			[
				Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0]),
				'This is a ZIP archive (a PyTorch checkpoint or a zipped model), not an ONNX model.'
			],
			[Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0]), 'This is a gzip archive, not an ONNX model.'],
			[Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]), 'This is a NumPy .npy array, not an ONNX model.'],
			[
				Uint8Array.from([0x1c, 0, 0, 0, 0x4f, 0x52, 0x54, 0x4d, 0, 0]),
				'This is an ONNX Runtime .ort file (ORT format), not an ONNX model.'
			],
			[
				new TextEncoder().encode('version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n'),
				'This is a Git LFS pointer (a small text file standing in for the model), not the model itself.'
			],
			[
				new TextEncoder().encode('<!DOCTYPE html><html><body>Sign in</body></html>'),
				'Not a readable ONNX model: this is an HTML page (a download that saved an error or login page?), starting "<!DOCTYPE html><html><body>Sign in</body".'
			],
			[new TextEncoder().encode('{"model": "gpt2"}'), 'Not a readable ONNX model: this is a JSON file, starting "{"model": "gpt2"}".'],
			[
				new TextEncoder().encode('hello\tworld, not a model\nsecond line\n'),
				'Not a readable ONNX model: this is a text file, starting "hello\\tworld, not a model".'
			]
		];
		for (const [bytes, message] of cases) expect(refusal(() => readModel(bytes)).message).toBe(message);
		expect(refusal(() => readModel(PNG)).hint).toBe('Choose an .onnx model file.');
	});

	it('random bytes are refused as malformed or truncated, for many seeds', () => {
		for (let seed = 1; seed <= 200; seed++) {
			const e = refusal(() => open(randomBytes(64 + seed * 37, seed)));
			expect(e.message).toMatch(/^Not (a readable )?(an )?ONNX model/);
		}
	});

	it('a zoo model truncated at several points says it is truncated, with the byte count', () => {
		const full = preLn();
		for (const at of [1, 2, 17, 100, 1000, 65_536, full.length >> 1, full.length - 4096, full.length - 100, full.length - 1]) {
			const e = refusal(() => open(full.subarray(0, at)));
			expect(e.message, `cut at ${at}`).toMatch(
				new RegExp(
					`^Not (a readable ONNX model: the data ends in the middle of a field after ${at} bytes|an ONNX model: ${at} bytes with no graph|a readable ONNX model: the protobuf data is malformed)`
				)
			);
		}
		expect(refusal(() => open(full.subarray(0, full.length >> 1))).message).toBe(
			`Not a readable ONNX model: the data ends in the middle of a field after ${full.length >> 1} bytes, so the file is truncated (an interrupted download or copy) or is not ONNX.`
		);
	});
});

describe('valid ONNX that is not a transformer', () => {
	it('an MLP opens, runs with every intermediate, and the analysis says there is no attention and why', async () => {
		const { graph, store } = await run(mlp());
		expect(store.order).toEqual(['x', 'h1', 'h2', 'h3', 'h4', 'y']);
		expect(store.get('y')!.dims).toEqual([1, 4]);
		const s = analyze(graph);
		expect([s.variant, s.layers, s.attention]).toEqual(['unknown', [], []]);
		expect(s.unrecognized).toContainEqual({
			what: 'attention',
			why: 'no attention found: the graph has no Softmax, so nothing computes an attention pattern (softmax of Q·K^T scores); it may not be a transformer'
		});
	});

	it('a CNN classifier opens and runs; its softmax is not taken for attention, with the reason', async () => {
		const { graph, store } = await run(cnn());
		expect(store.get('probs')!.dims).toEqual([1, 10]);
		const probs = store.get('probs')!.data as Float32Array;
		expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
		const s = analyze(graph);
		expect(s.attention).toEqual([]);
		expect(s.unrecognized).toEqual([
			{ what: 'Softmax "probs"', why: 'its input comes from Gemm, not from a MatMul of two activations (Q·K^T)' },
			{ what: 'residual stream', why: 'no residual add found (an Add of the stream and a branch computed from it through a MatMul)' },
			{ what: 'attention', why: 'no attention found: its one Softmax does not normalize Q·K^T scores (see the note above)' }
		]);
	});
});

describe('broken graphs', () => {
	it('a cycle, a dangling input, a tensor produced twice, an output listed twice or produced by nothing', () => {
		expect(refusal(() => open(cycle())).message).toBe(
			'Invalid graph: it contains a cycle (2 nodes never become ready, the first is "node_a").'
		);
		expect(refusal(() => open(dangling())).message).toBe(
			'Invalid graph: node "adder" reads tensor "ghost", which no node, input or initializer provides.'
		);
		expect(refusal(() => open(duplicateProducer())).message).toBe(
			'Invalid graph: tensor "y" is produced twice (by node "first" and node "second").'
		);
		expect(refusal(() => open(duplicateGraphOutput())).message).toBe('Invalid graph: graph output "y" is listed twice.');
		expect(refusal(() => open(missingOutput())).message).toBe(
			'Invalid graph: output "nowhere" is not produced by any node, input or initializer.'
		);
	});
});

describe('inputs', () => {
	it('int32, int64, bool and float16 inputs get defaults of their own type, and the model runs on them', async () => {
		const { feeds, store } = await run(typedInputs());
		expect(Object.values(feeds).map((t) => [t.name, t.dtype, t.dims, t.data.constructor.name])).toEqual([
			['ids32', 'int32', [1, 16], 'Int32Array'],
			['positions', 'int64', [1, 16], 'BigInt64Array'],
			['keep', 'bool', [1, 16], 'Uint8Array'],
			['half', 'float16', [1, 16], 'Uint16Array'],
			['x', 'float32', [1, 16], 'Float32Array']
		]);
		expect([...(feeds.positions.data as BigInt64Array)].slice(0, 4)).toEqual([0n, 1n, 2n, 3n]);
		expect([...feeds.keep.data].every((v) => v === 0)).toBe(true);
		const y = store.get('y')!.data as Float32Array;
		const half = (i: number) => {
			const h = (feeds.half.data as Uint16Array)[i];
			const e = (h >> 10) & 31;
			const m = h & 1023;
			return (h & 0x8000 ? -1 : 1) * (e ? (1 + m / 1024) * 2 ** (e - 15) : m * 2 ** -24);
		};
		for (let i = 0; i < 16; i++) {
			const want = (feeds.ids32.data as Int32Array)[i] + i + 0 + half(i) + (feeds.x.data as Float32Array)[i];
			expect(y[i]).toBeCloseTo(want, 4);
		}
	});

	it('a dynamic dim with no sensible default, and a declared shape too large to build, are refused by name', () => {
		const dyn = refusal(() => defaultInputs(open(dynamicHidden())));
		expect(dyn.message).toBe('Input "x" has dim 2 "hidden" with no sensible default (it must match the weights).');
		expect(dyn.hint).toBe('Give the input as a file (--input NAME=FILE.npy).');
		expect(refusal(() => defaultInputs(open(hugeInput()))).message).toBe(
			'Input "x" would be [1, 2147483648] float32 (8.0 GiB), over the 256.0 MiB one input may take.'
		);
		expect(refusal(() => checkInputSize('x', [1, -3], 'float32')).message).toBe(
			'Input "x" would have shape [1, -3], which is not a valid shape.'
		);
	});
});

describe('hostile names', () => {
	const roles = ['input', 'hidden', 'output', 'weight', 'graph', 'doc', 'matmul', 'relu', 'meta-key', 'meta-value', 'description'];
	for (const [label, evil] of [
		['HTML', XSS],
		['script', SCRIPT],
		['control characters', CONTROL],
		['100k characters', LONG]
	] as const)
		it(`${label}: the model opens and runs, and every name comes back exactly as written`, async () => {
			const name = (role: string) => `${role}:${evil}`;
			const { graph, store } = await run(namedModel(name));
			expect(graph.inputs.map((i) => i.name)).toEqual([name('input')]);
			expect(graph.nodes.map((n) => n.name)).toEqual([name('matmul'), name('relu')]);
			expect(graph.metadata.get(name('meta-key'))).toBe(name('meta-value'));
			expect(store.order).toEqual([name('input'), name('hidden'), name('output')]);
			expect(() => analyze(graph)).not.toThrow();
			expect(roles.every((r) => name(r).endsWith(evil))).toBe(true);
		});

	it('messages show names inert: control characters escaped, long names clipped with their length', () => {
		expect(inert(CONTROL)).toBe('a\\x1b[31mRED\\x1b[0m\\rb\\x07c\\x08d\\u202eevil\\u2028e');
		expect(inert(NUL)).toBe('before\\x00after');
		expect(inert('tab\there\nnew')).toBe('tab\\there\\nnew');
		expect(inert('héllo 世界 🙂')).toBe('héllo 世界 🙂'); // printable text is left alone
		expect(inert('\ud800x')).toBe('\\ud800x'); // a lone surrogate
		expect(displayName(LONG)).toBe(`${'L'.repeat(57)}... (100000 characters)`);
		const bytes = encodeModel(buildDangling(`ghost${CONTROL}${LONG}`));
		const e = refusal(() => open(bytes));
		expect(e.message).toBe(
			`Invalid graph: node "adder" reads tensor "ghosta\\x1b[31mRED\\x1b[0m\\rb\\x07c\\x08d\\u202eevil\\u2028eLLL... (${5 + CONTROL.length + LONG.length} characters)", which no node, input or initializer provides.`
		);
		expect(e.message).not.toMatch(/[\x00-\x1f\x7f\u202e]/);
		expect(inertJson(JSON.stringify({ n: CONTROL }))).toBe('{"n":"a\\u001b[31mRED\\u001b[0m\\rb\\u0007c\\bd\\u202eevil\\u2028e"}');
		expect(JSON.parse(inertJson(JSON.stringify({ n: `${CONTROL}\u009b` }))).n).toBe(`${CONTROL}\u009b`);
	});
});

describe('a NUL inside a tensor name', () => {
	it('is refused by name: onnxruntime would cut the name short and lose the tensor', () => {
		expect(refusal(() => open(namedModel((role) => `${role}:${NUL}`))).message).toBe(
			'Invalid name: graph input "input:before\\x00after" contains a NUL character, which onnxruntime cannot handle in tensor names.'
		);
		// In a node's name or in metadata it is only text: shown inert, never refused.
		const m = readModel(mlp());
		m.graph!.node[0].name = NUL;
		expect(open(encodeModel(m)).nodes[0].name).toBe(NUL);
	});
});

function buildDangling(ghost: string) {
	const m = readModel(dangling());
	m.graph!.node[0].input[1] = ghost;
	return m;
}

describe('large graphs', () => {
	it('10,000 nodes in any order: Graph and analyze stay fast (no quadratic step)', () => {
		const times: Record<string, number> = {};
		for (const [label, bytes] of [
			['chain', longChain(10_000)],
			['reversed chain', longChain(10_000, 'reverse')],
			['wide', wide(10_000)]
		] as const) {
			const t0 = performance.now();
			const g = open(bytes);
			const s = analyze(g);
			times[label] = performance.now() - t0;
			expect(g.nodes).toHaveLength(label === 'wide' ? 10_001 : 10_000);
			expect(s.attention).toEqual([]);
			if (label === 'reversed chain') expect(g.nodes.slice(0, 3).map((n) => n.name)).toEqual(['n0', 'n1', 'n2']);
			if (label === 'wide') expect(g.nodes[0].name).toBe('r9999'); // exporter order kept among ready nodes
		}
		console.log(
			`10k-node graphs, read + Graph + analyze: ${Object.entries(times)
				.map(([k, v]) => `${k} ${v.toFixed(0)} ms`)
				.join(', ')}`
		);
		for (const ms of Object.values(times)) expect(ms).toBeLessThan(3000);
	});

	it('a 250-layer transformer (10k+ nodes) is recognized layer by layer in seconds', () => {
		const b = buildBlocks({ placement: 'pre', layers: 250 });
		const bytes = encodeModel(b.model);
		const t0 = performance.now();
		const g = open(bytes);
		const t1 = performance.now();
		const s = analyze(g);
		const t2 = performance.now();
		console.log(`250-layer transformer: ${g.nodes.length} nodes, Graph ${(t1 - t0).toFixed(0)} ms, analyze ${(t2 - t1).toFixed(0)} ms`);
		expect(g.nodes.length).toBeGreaterThan(10_000);
		expect([s.variant, s.layers.length, s.unrecognized]).toEqual(['pre-norm', 250, []]);
		expect(t2 - t0).toBeLessThan(10_000);
	});
});

describe('memory budget', () => {
	it('sizes parse with K, M, G; the budget comes from the setting, the device or the default', () => {
		expect(['1000', '512M', '2G', '1.5GiB', '4 gb', '64k', '0', 'lots', '-1G', ''].map(parseBytes)).toEqual([
			1000,
			512 * MiB,
			2 * GiB,
			1.5 * GiB,
			4 * GiB,
			65536,
			null,
			null,
			null,
			null
		]);
		expect(memoryBudget({ where: 'browser' })).toEqual({ bytes: DEFAULT_BROWSER_BUDGET, source: 'the default for the browser' });
		expect(memoryBudget({ where: 'browser', deviceMemoryGiB: 8 }).bytes).toBe(2 * GiB);
		expect(memoryBudget({ where: 'browser', deviceMemoryGiB: 2 })).toEqual({ bytes: GiB, source: "half of this device's 2 GiB" });
		expect(memoryBudget({ where: 'node', totalMemoryBytes: 64 * GiB })).toEqual({ bytes: 4 * GiB, source: 'the default' });
		expect(memoryBudget({ where: 'node', totalMemoryBytes: 4 * GiB })).toEqual({
			bytes: 2 * GiB,
			source: "half of this machine's 4.0 GiB"
		});
		expect(memoryBudget({ where: 'node', setting: '8G', settingName: BUDGET_ENV })).toEqual({
			bytes: 8 * GiB,
			source: 'BLOCKSCOPE_MEMORY_BUDGET=8G'
		});
		expect(refusal(() => memoryBudget({ where: 'node', setting: 'lots', settingName: BUDGET_ENV })).message).toBe(
			'BLOCKSCOPE_MEMORY_BUDGET=lots is not a size.'
		);
		expect(nodeBudget({ [BUDGET_ENV]: '300M' })).toEqual({ bytes: 300 * MiB, source: 'BLOCKSCOPE_MEMORY_BUDGET=300M' });
	});

	it('a model over the budget is refused with its size and the budget; over 2 GiB, the protobuf limit is named', () => {
		const budget = { bytes: 2 * GiB, source: 'the default for the browser' };
		expect(overBudget({ name: 'big.onnx', bytes: 3 * GiB }, budget)!.message).toBe(
			'big.onnx is 3.0 GiB, over the 2.0 GiB limit (memory budget: the default for the browser); it was not loaded.'
		);
		expect(overBudget({ name: 'm.onnx', bytes: 100 * MiB, externalBytes: 2 * GiB }, budget)!.message).toBe(
			'm.onnx and its external data are 2.1 GiB (100.0 MiB + 2.0 GiB), over the 2.0 GiB limit (memory budget: the default for the browser); it was not loaded.'
		);
		expect(overBudget({ name: 'ok.onnx', bytes: GiB }, budget)).toBeNull();
		expect(overBudget({ name: 'huge.onnx', bytes: 3 * GiB }, { bytes: 8 * GiB, source: 'x' })!.message).toBe(
			'huge.onnx is 3.0 GiB, over the 2 GiB a single ONNX (protobuf) file can hold.'
		);
		expect([formatBytes(512), formatBytes(1536), formatBytes(3 * MiB)]).toEqual(['512 B', '1.5 KiB', '3.0 MiB']);
	});
});

describe('files on disk (Node)', () => {
	let dir = '';
	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), 'bs-hostile-'));
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('a file over the budget is refused from its size alone: nothing is read or allocated', async () => {
		const path = join(dir, 'sparse.onnx');
		const fd = openSync(path, 'w');
		ftruncateSync(fd, 5 * GiB); // sparse: takes no disk space
		closeSync(fd);
		const before = process.memoryUsage().arrayBuffers;
		const t0 = performance.now();
		await expect(readModelFile(path, { budget: { bytes: 4 * GiB, source: 'test' } })).rejects.toThrow(
			'sparse.onnx is 5.0 GiB, over the 4.0 GiB limit (memory budget: test); it was not loaded.'
		);
		await expect(readModelFile(path, { budget: { bytes: 8 * GiB, source: 'test' } })).rejects.toThrow(
			'sparse.onnx is 5.0 GiB, over the 2 GiB a single ONNX (protobuf) file can hold.'
		);
		expect(performance.now() - t0).toBeLessThan(1000);
		expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * MiB);
		rmSync(path);
	});

	it('external data: missing files are all named; a location outside the folder is refused before any file is opened', async () => {
		writeFileSync(join(dir, 'secret.bin'), new Uint8Array(64));
		mkdirSync(join(dir, 'm'), { recursive: true });
		for (const loc of ['../secret.bin', '/etc/passwd', 'C:\\Windows\\win.ini', 'a/../../secret.bin']) {
			const e = refusal(() => externalRefs(open(externalAt(loc))));
			expect(e.message).toBe(`External data location "${loc}" points outside the model's folder; refusing to read it.`);
			await expect(loadExternalData(join(dir, 'm', 'model.onnx'), open(externalAt(loc)))).rejects.toThrow(
				/points outside the model's folder/
			);
		}
		const g = open(externalAt('weights.bin'));
		await expect(loadExternalData(join(dir, 'm', 'model.onnx'), g)).rejects.toThrow(
			'model.onnx keeps its weights in a separate file (external data): "weights.bin", which is not next to it.'
		);
		expect(missingExternalFiles(g, [])).toEqual(['weights.bin']);
		expect(missingExternalFiles(g, ['model.onnx', 'weights.bin'])).toEqual([]);
		expect(missingExternalError('model.onnx', ['weights.bin'], 'page').message).toBe(
			'model.onnx keeps its weights in a separate file (external data): "weights.bin", which was not given.'
		);
		expect(missingExternalError('model.onnx', ['weights.bin'], 'page').hint).toBe('Choose the model and that file together.');
	});

	it('external data: a file shorter than its tensors need is refused; one in a subfolder is read; the budget counts both files', async () => {
		mkdirSync(join(dir, 'm2', 'data'), { recursive: true });
		const model = join(dir, 'm2', 'model.onnx');
		writeFileSync(join(dir, 'm2', 'data', 'w.bin'), new Uint8Array(16));
		await expect(loadExternalData(model, open(externalAt('data/w.bin', 64)))).rejects.toThrow(
			'External data file "data/w.bin" is 16 bytes, but tensor "w" needs bytes 0 to 64; the file is truncated or is not the one this model was saved with.'
		);
		writeFileSync(join(dir, 'm2', 'data', 'w.bin'), new Uint8Array(64));
		const files = await loadExternalData(model, open(externalAt('data/w.bin', 64)));
		expect(files.map((f) => [f.path, f.data.byteLength])).toEqual([['data/w.bin', 64]]);
		await expect(
			loadExternalData(model, open(externalAt('data/w.bin', 64)), { modelBytes: 1000, budget: { bytes: 1024, source: 'test' } })
		).rejects.toThrow(
			'model.onnx and its external data are 1.0 KiB (1000 B + 64 B), over the 1.0 KiB limit (memory budget: test); it was not loaded.'
		);
		expect(() => checkExternalSizes(externalRefs(open(externalAt('w.bin', 64))), new Map([['w.bin', 64]]))).not.toThrow();
	});
});

describe('onnxruntime errors', () => {
	it('are wrapped in one clear line: no error codes, C++ paths or signatures', () => {
		const raw =
			"Can't create a session. ERROR_CODE: 1, ERROR_MESSAGE: /onnxruntime/core/graph/graph.cc:1555 void onnxruntime::Graph::InitializeStateFromModelFileGraphProto() This is an invalid model. Graph output (zzz) does not exist in the graph.\n";
		expect(ortError('load', new Error(raw)).message).toBe(
			'onnxruntime could not load this model: This is an invalid model. Graph output (zzz) does not exist in the graph.'
		);
		expect(
			ortError('run', new Error('failed to call OrtRun(). ERROR_CODE: 2, ERROR_MESSAGE: At least one output should be requested.')).message
		).toBe('onnxruntime failed to run this model: At least one output should be requested.');
		expect(ortError('load', 'x'.repeat(1000)).message.length).toBeLessThan(400);
		const own = new ModelError('already clear');
		expect(ortError('load', own)).toBe(own);
	});

	it('a model ORT refuses (an op it does not know) gives the wrapped message', async () => {
		const m = readModel(mlp());
		m.graph!.node[2].opType = 'NoSuchOp';
		const bytes = encodeModel(m);
		const graph = open(bytes);
		const e = await CaptureSession.create(ORT, bufferOf(bytes), graph, {
			backend: 'wasm',
			captureSet: 'all',
			sessionOptions: { logSeverityLevel: 3 }
		}).then(
			() => null,
			(err: unknown) => ortError('load', err)
		);
		expect(e!.message).toMatch(/^onnxruntime could not load this model: .*NoSuchOp/);
		expect(e!.message).not.toMatch(/\.cc:\d+|ERROR_CODE|\n/);
	});
});
