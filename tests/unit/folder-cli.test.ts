// `inspect DIR` on a model folder of our own making (tests/fixtures/folder/make.ts): the variant,
// the tokenizer's ids, the merged decoder captured through its inlined branch, config.json hints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectModel } from '../../src/cli/run';
import { buildReport } from '../../src/cli/report';
import { summary } from '../../src/cli/summary';
import { loadTokenizer } from '../../src/lib/tokenizer';
import { encodeModel } from '../../src/lib/onnx/build';
import { writeModelFolder } from '../fixtures/folder/make';
import { byteLevelBpe } from '../fixtures/folder/tokenizers';
import { gqaDecoder } from '../fixtures/folder/decoders';

// The report is plain JSON; the test reads it loosely, as a user's script would.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of any shape
type Json = Record<string, any>;

const ROOT = join(__dirname, '../..');
const TEXT = 'the cat sat on the mat';
let dir = '';

function cli(...args: string[]) {
	const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/inspect.ts', ...args], {
		cwd: ROOT,
		encoding: 'utf8',
		env: { ...process.env, BLOCKSCOPE_THREADS: '1' }
	});
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'bs-folder-'));
	await writeModelFolder(join(dir, 'gpt2-tiny'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('inspect DIR', () => {
	it('opens the plain variant, tokenizes --text with the folder tokenizer.json, reports ids and text per position', async () => {
		const r = await inspectModel({ model: join(dir, 'gpt2-tiny'), text: TEXT, threads: 1 });
		const want = loadTokenizer(byteLevelBpe()).encode(TEXT);
		expect(r.tokenIds).toEqual(want.map((t) => t.id));
		expect(r.tokens).toEqual(['the', '␣cat', '␣sat', '␣on', '␣the', '␣mat']);
		const j = buildReport(r) as Json;
		expect(j.token_ids).toEqual(r.tokenIds);
		expect(j.model_info).toMatchObject({
			variant: 'model',
			merged_decoder: false,
			kv_cache_inputs: [],
			tokenizer: { file: 'tokenizer.json', type: 'BPE' },
			config: { model_type: 'gpt2', num_attention_heads: 2 }
		});
		expect(j.model_info.kv_cache_outputs).toEqual(['present.0.key', 'present.0.value', 'present.1.key', 'present.1.value']);
		expect(j.layers.map((L: Json) => L.attention?.heads)).toEqual([2, 2]);
	});

	it("--variant decoder_model_merged: the no-past branch is inlined and captured; its patterns equal the plain model's", async () => {
		const plain = await inspectModel({ model: join(dir, 'gpt2-tiny'), text: TEXT, threads: 1 });
		const r = await inspectModel({ model: join(dir, 'gpt2-tiny'), variant: 'decoder_model_merged', text: TEXT, threads: 1 });
		const j = buildReport(r) as Json;
		expect(j.model_info.merged_decoder).toBe(true);
		expect(j.model_info.captured_graph).toMatch(/else branch of If "optimum::if" \(use_cache_branch = false\), inlined/);
		expect(j.model_info.kv_cache_inputs).toHaveLength(4);
		expect(j.model_info.input_sources).toMatchObject({
			input_ids: 'text',
			'past_key_values.1.value': 'empty-cache',
			use_cache_branch: 'default'
		});
		expect(j.inputs.find((i: Json) => i.name === 'past_key_values.0.key').dims).toEqual([1, 2, 0, 8]);
		expect(r.tokenIds).toEqual(plain.tokenIds);
		for (const L of j.layers) {
			const p = r.store.get(L.attention.pattern)!;
			const q = plain.store.get(L.attention.pattern)!;
			expect(p.dims).toEqual([1, 2, 6, 6]);
			const a = p.data as Float32Array;
			const b = q.data as Float32Array;
			expect(Math.max(...a.map((x, i) => Math.abs(x - b[i])))).toBeLessThan(1e-6);
		}
	});

	it('config.json disagreeing with the graph is reported, the graph wins', async () => {
		const d = join(dir, 'disagree');
		await writeModelFolder(d);
		writeFileSync(join(d, 'config.json'), JSON.stringify({ model_type: 'gpt2', n_head: 4, n_layer: 2 }));
		const j = buildReport(await inspectModel({ model: d, threads: 1 })) as Json;
		expect(j.layers[0].attention.heads).toBe(2);
		expect(j.unrecognized).toContainEqual(
			expect.objectContaining({ why: expect.stringMatching(/the graph has 2 heads, config\.json says 4/) })
		);
	});

	it('a GQA decoder with symbolic cache dims runs from its folder', async () => {
		const d = join(dir, 'gqa');
		mkdirSync(d);
		writeFileSync(join(d, 'model.onnx'), encodeModel(gqaDecoder()));
		const r = await inspectModel({ model: d, ids: '3,1,4,1,5', threads: 1 });
		expect(r.feeds['past_key_values.0.key'].dims).toEqual([1, 2, 0, 16]);
		expect(r.store.get('present.0.key')?.dims).toEqual([1, 2, 5, 16]);
		expect((buildReport(r) as Json).model_info.input_sources.input_ids).toBe('user');
	});

	it('the CLI: --json from the folder, one-line errors for an unknown variant and --variant on a file', () => {
		const ok = cli(join(dir, 'gpt2-tiny'), '--json', '--text', TEXT, '--capture', 'none');
		expect(ok.code).toBe(0);
		expect(JSON.parse(ok.stdout).tokens).toEqual(['the', '␣cat', '␣sat', '␣on', '␣the', '␣mat']);
		const bad = cli(join(dir, 'gpt2-tiny'), '--variant', 'model_q4');
		expect(bad.code).toBe(2);
		expect(bad.stderr.trim().split('\n')).toHaveLength(1);
		expect(bad.stderr).toMatch(/no variant "model_q4"; it has model, decoder_model_merged/);
		const file = cli(join(dir, 'gpt2-tiny', 'onnx', 'model.onnx'), '--variant', 'x');
		expect(file.stderr).toMatch(/--variant chooses a model inside a folder/);
		const alone = cli(join(dir, 'gpt2-tiny', 'onnx', 'model.onnx'), '--json', '--capture', 'none', '--text', 'the mat');
		expect(JSON.parse(alone.stdout).model_info.tokenizer).toEqual({ file: 'tokenizer.json', type: 'BPE' }); // found one folder up
	});

	it('the readable summary names the variant chosen (and the others), the tokenizer, the inlined branch and each token with its id', async () => {
		const r = await inspectModel({ model: join(dir, 'gpt2-tiny'), variant: 'decoder_model_merged', text: TEXT, threads: 1 });
		const lines = summary(r).split('\n');
		const line = (k: string) => lines.find((l) => l.startsWith(k.padEnd(9) + ' '))?.slice(10);
		expect(line('folder')).toMatch(
			/^variant decoder_model_merged \(onnx\/decoder_model_merged\.onnx, fp32, [\d.]+ [KM]iB, weights fp32\); also in the folder: model \(--variant NAME\)$/
		);
		expect(line('tokenizer')).toBe('tokenizer.json (BPE, byte-level)');
		expect(line('graph')).toMatch(/else branch of If "optimum::if" \(use_cache_branch = false\), inlined/);
		expect(line('kv cache')).toBe('4 inputs start empty (past length 0)');
		const ids = loadTokenizer(byteLevelBpe())
			.encode(TEXT)
			.map((t) => t.id);
		const texts = ['the', '␣cat', '␣sat', '␣on', '␣the', '␣mat'];
		expect(line('tokens')).toBe(`6: ${texts.map((t, i) => `${t} ${ids[i]}`).join(' · ')}`);
		// The CLI prints the same lines.
		const out = cli(join(dir, 'gpt2-tiny'), '--text', TEXT, '--capture', 'none');
		expect(out.code).toBe(0);
		expect(out.stdout).toContain(`tokens    6: ${texts.map((t, i) => `${t} ${ids[i]}`).join(' · ')}`);
		expect(out.stdout).toMatch(/^folder {4}variant model \(onnx\/model\.onnx, fp32, .*also in the folder: decoder_model_merged/m);
	});
});
