// The worker's side of opening a model folder (src/lib/worker/folder.ts, prepare.ts), run in Node
// on the folder tests/fixtures/folder/make.ts writes, its files handed over as Blobs the way the
// page sends them: the same variant, tokenizer ids, inlined branch and feeds as `inspect DIR`,
// and external data found by path in a folder and by name among files picked side by side.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listFolder } from '../../src/lib/runtime/node/folder';
import { prepare } from '../../src/lib/worker/prepare';
import { pickFolder } from '../../src/lib/worker/folder';
import type { FolderEntry, ModelSource } from '../../src/lib/worker/protocol';
import { textFeeds, CaptureSession } from '../../src/lib/runtime';
import { loadOrt } from '../../src/lib/runtime/node/ort';
import { deriveTensors } from '../../src/lib/derive';
import { inspectModel } from '../../src/cli/run';
import { writeModelFolder } from '../fixtures/folder/make';
import { externalModel } from './cli-fixtures';

const TEXT = 'the cat sat on the mat';
let dir = '';
let entries: FolderEntry[] = [];

const blob = (path: string) => new Blob([readFileSync(path)]);
const quiet = () => undefined;

async function folderEntries(root: string, prefix: string): Promise<FolderEntry[]> {
	return (await listFolder(root)).map((f) => ({ path: `${prefix}/${f.path}`, file: blob(join(root, f.path)) }));
}

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'bs-worker-folder-'));
	await writeModelFolder(join(dir, 'gpt2-tiny'));
	entries = await folderEntries(join(dir, 'gpt2-tiny'), 'gpt2-tiny');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const folder = (variant: string | null = null): ModelSource => ({
	kind: 'folder',
	name: 'gpt2-tiny',
	files: entries,
	variant,
	flat: false
});

describe('worker: a model folder', () => {
	it('picks the plain variant (root folder stripped) and names it by its path in the folder', () => {
		const p = pickFolder(folder() as Extract<ModelSource, { kind: 'folder' }>);
		expect(p.folder.variant.path).toBe('onnx/model.onnx');
		expect(p.name).toBe('gpt2-tiny/onnx/model.onnx');
		expect(p.folder.variants.map((v) => v.name)).toEqual(['model', 'decoder_model_merged']);
	});

	it('builds the same ids, tokens and tensors as inspect DIR (tokenizer.json, config.json found above onnx/)', async () => {
		const p = await prepare(folder(), { text: TEXT }, quiet, quiet);
		expect(p.opened.folder).toMatchObject({
			variant: 'model',
			tokenizer: { file: 'tokenizer.json', type: 'BPE' },
			configFile: 'config.json'
		});
		expect(p.opened.hints).toMatchObject({ model_type: 'gpt2', num_attention_heads: 2 });
		const fed = textFeeds(p.original, p.opened.tokenizer, p.opened.hints, { text: TEXT });
		const cli = await inspectModel({ model: join(dir, 'gpt2-tiny'), text: TEXT, threads: 1 });
		expect(fed.tokenIds).toEqual(cli.tokenIds);
		expect(fed.tokens).toEqual(['the', '␣cat', '␣sat', '␣on', '␣the', '␣mat']);
		// The page's run, as the worker does it (WASM in Node): every tensor equals the CLI's.
		const ort = await loadOrt({ threads: 1 });
		const session = await CaptureSession.create(ort, p.cap.model, p.graph, {
			backend: 'wasm',
			captureSet: 'all',
			sessionOptions: { logSeverityLevel: 3 }
		});
		const store = await session.run(fed.feeds);
		await session.release();
		deriveTensors(p.graph, p.structure, store);
		expect([...store.order]).toEqual([...cli.store.order]);
		for (const name of store.order)
			expect(Array.from(store.get(name)!.data as ArrayLike<number>)).toEqual(Array.from(cli.store.get(name)!.data as ArrayLike<number>));
	});

	it('?variant=decoder_model_merged: the no-cache branch inlined, caches empty, mounted weights as external data', async () => {
		const p = await prepare(folder('decoder_model_merged'), { text: TEXT }, quiet, quiet);
		expect(p.cap.status).toMatch(/else branch of If .* \(use_cache_branch = false\), inlined/);
		expect(p.external.map((e) => e.path)).toEqual([p.cap.externalData[0].path]);
		const fed = textFeeds(p.original, p.opened.tokenizer, p.opened.hints, { text: TEXT });
		expect(fed.sources).toMatchObject({ input_ids: 'text', 'past_key_values.0.key': 'empty-cache', use_cache_branch: 'default' });
		expect(p.structure?.layers.length).toBe(2);
	});

	it('refuses an unknown variant by name, listing the ones there are', async () => {
		await expect(prepare(folder('model_q9'), {}, quiet, quiet)).rejects.toThrow(
			/no variant "model_q9"; it has model, decoder_model_merged/
		);
	});
});

describe('worker: external data', () => {
	const ext = externalModel();
	const model = new Blob([ext.model.slice()]);
	const data = new Blob([ext.data.slice()]);

	it('files picked side by side: matched by file name', async () => {
		const src: ModelSource = {
			kind: 'folder',
			name: 'm.onnx',
			flat: true,
			files: [
				{ path: 'm.onnx', file: model },
				{ path: ext.location.split('/').pop()!, file: data }
			]
		};
		const p = await prepare(src, {}, quiet, quiet);
		expect(p.external.map((e) => [e.path, e.data.byteLength])).toEqual([[ext.location, ext.data.byteLength]]);
		expect(p.externalBytes).toBe(ext.data.byteLength);
	});

	it('a model without its data file: the message names the file', async () => {
		const src: ModelSource = { kind: 'folder', name: 'm.onnx', flat: true, files: [{ path: 'm.onnx', file: model }] };
		await expect(prepare(src, {}, quiet, quiet)).rejects.toThrow(new RegExp(ext.location.split('/').pop()!.replace(/\./g, '\\.')));
	});

	it('a folder: matched by path relative to the model', async () => {
		const src: ModelSource = {
			kind: 'folder',
			name: 'd',
			flat: false,
			files: [
				{ path: 'd/onnx/model.onnx', file: model },
				{ path: `d/onnx/${ext.location}`, file: data },
				{ path: 'd/README.md', file: new Blob(['x']) }
			]
		};
		const p = await prepare(src, {}, quiet, quiet);
		expect(p.external.map((e) => e.path)).toEqual([ext.location]);
	});
});
