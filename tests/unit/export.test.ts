// The page's exports in pure code: PNG size and text chunks, captions, file names, and the
// page's .npy/.npz (from what the worker sends) equal to the CLI's --npz archive.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { inspectModel } from '../../src/cli/run';
import { analyze } from '../../src/lib/analysis';
import { structureInfo, tryAnalyze } from '../../src/lib/worker/structure';
import type { ResultMessage } from '../../src/lib/worker/protocol';
import { buildNpz, crc32, decodeNpy, itxtChunk, pngSize, pngText, readNpz, withPngText } from '../../src/lib/formats';
import { captionLines, captionParts, captionText, fileName } from '../../src/lib/viz/figure/file';
import { npyName, npzMeta, npzNaming, pageNpz, tensorNpy } from '../../src/lib/features/export/tensors';
import { readParams, writeParams } from '../../src/lib/app/url';

function chunk(type: string, body: Uint8Array): Uint8Array {
	const out = new Uint8Array(12 + body.length);
	const v = new DataView(out.buffer);
	v.setUint32(0, body.length);
	out.set(
		Array.from(type, (c) => c.charCodeAt(0)),
		4
	);
	out.set(body, 8);
	v.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
	return out;
}

/** A real (tiny) PNG: w x h, RGBA, all white. */
function png(w: number, h: number): Uint8Array {
	const ihdr = new Uint8Array(13);
	const v = new DataView(ihdr.buffer);
	v.setUint32(0, w);
	v.setUint32(4, h);
	ihdr.set([8, 6, 0, 0, 0], 8);
	const raw = new Uint8Array(h * (1 + 4 * w)).fill(255);
	for (let r = 0; r < h; r++) raw[r * (1 + 4 * w)] = 0;
	const parts = [
		Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', ihdr),
		chunk('IDAT', deflateSync(raw)),
		chunk('IEND', new Uint8Array())
	];
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let p = 0;
	for (const x of parts) {
		out.set(x, p);
		p += x.length;
	}
	return out;
}

describe('PNG bytes', () => {
	it('reads the size from IHDR and refuses what is not a PNG', () => {
		expect(pngSize(png(7, 3))).toEqual({ width: 7, height: 3 });
		expect(pngSize(new Uint8Array(40))).toBeNull();
		expect(pngSize(png(7, 3).subarray(0, 20))).toBeNull();
	});

	it('adds UTF-8 text chunks after IHDR with valid CRCs, size unchanged', () => {
		const src = png(5, 4);
		const caption = 'pre-ln · layer 1 · head 0 · WASM · input: “the cat <sat>” ☃';
		const out = withPngText(src, { Title: caption, Software: 'blockscope' });
		expect(pngSize(out)).toEqual({ width: 5, height: 4 });
		expect(pngText(out)).toEqual({ Title: caption, Software: 'blockscope' });
		expect(out.length).toBe(src.length + itxtChunk('Title', caption).length + itxtChunk('Software', 'blockscope').length);
		// Every chunk's CRC checks out (what decoders verify).
		const v = new DataView(out.buffer);
		const types: string[] = [];
		for (let p = 8; p < out.length;) {
			const len = v.getUint32(p);
			types.push(String.fromCharCode(...out.subarray(p + 4, p + 8)));
			expect(v.getUint32(p + 8 + len)).toBe(crc32(out.subarray(p + 4, p + 8 + len)));
			p += 12 + len;
		}
		expect(types).toEqual(['IHDR', 'iTXt', 'iTXt', 'IDAT', 'IEND']);
		expect(withPngText(new Uint8Array([1, 2, 3]), { Title: 'x' })).toEqual(new Uint8Array([1, 2, 3]));
	});
});

describe('captions and file names', () => {
	it('says model, layer, head, backend and input, inert', () => {
		const c = { model: 'pre-ln', layer: 2, head: 1, backend: 'WebGPU', input: 'the cat\u202esat' };
		expect(captionParts(c)).toEqual(['pre-ln · layer 2 · head 1 · WebGPU', 'input: “the cat\\u202esat”']);
		expect(captionText({ model: 'm.onnx', head: null, layer: 0 })).toBe('m.onnx · layer 0');
	});

	it('joins parts on one line when they fit, else one per line, clipped', () => {
		expect(captionLines(['a · b', 'input: “x”'], 80)).toEqual(['a · b · input: “x”']);
		const long = captionLines(['model · layer 0', `input: “${'w '.repeat(100)}”`], 40);
		expect(long).toHaveLength(2);
		expect(long[0]).toBe('model · layer 0');
		expect([...long[1]]).toHaveLength(40);
		expect(long[1].endsWith('…')).toBe(true);
		expect(captionLines(['a', 'b', 'c'], 1, 2)).toEqual(['a', 'b · c']);
	});

	it('makes portable file names', () => {
		expect(fileName(['pre-ln', 'attention', 'L0', 'H1', '2x'], 'png')).toBe('pre-ln-attention-L0-H1-2x.png');
		expect(fileName(['../evil<img>.onnx', null, 'blocks.0.attn.hook_pattern'], 'npy')).toBe('evil_img-blocks.0.attn.hook_pattern.npy');
		expect(fileName(['\u0000', ''], 'svg')).toBe('blockscope.svg');
		expect(fileName(['x'.repeat(500)], 'npz').length).toBe(124);
	});
});

describe('the page’s tensor exports', () => {
	it('.npz from the worker’s result equals the CLI’s --npz archive; .npy decodes to the tensor', async () => {
		const r = await inspectModel({ model: join(__dirname, '../../models/pre-ln.onnx'), text: 'the cat sat', threads: 1 });
		const { structure, error } = tryAnalyze(r.graph);
		const names = [...r.store.order];
		const info = structureInfo(r.graph, structure, error, r.store, names);
		// What the page holds: the result's tensors (after a structured clone, as from the worker).
		const result = structuredClone({
			tensors: [...r.store],
			backend: 'wasm',
			captureSet: r.capture,
			input: { text: 'the cat sat' },
			tokens: r.tokens,
			model: {
				name: 'pre-ln.onnx',
				inputs: r.graph.inputs.map((i) => ({ name: i.name })),
				outputs: r.graph.outputs.map((o) => ({ name: o.name }))
			}
		}) as unknown as ResultMessage;
		const page = readNpz(pageNpz({ result, structure: structuredClone(info), model: 'pre-ln' }));
		const meta = npzMeta({ result, structure: info, model: 'pre-ln' });
		const cli = readNpz(buildNpz(r.store, analyze(r.graph), meta));
		expect(page.manifest).toEqual(cli.manifest);
		expect([...page.arrays.keys()]).toEqual([...cli.arrays.keys()]);
		expect(page.manifest!.hooks['blocks.0.attn.hook_pattern']).toBeTruthy();
		expect(page.manifest!.model).toBe('pre-ln');
		for (const t of page.manifest!.tensors) {
			const a = page.arrays.get(t.key)!;
			const want = r.store.get(t.onnx)!;
			expect(a.dims).toEqual(want.dims);
			expect(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength)).toEqual(
				new Uint8Array(want.data.buffer, want.data.byteOffset, want.data.byteLength)
			);
		}
		// Naming comes from the page's roles: each tensor's own hook.
		expect(npzNaming(result, info).hooks.size).toBe(info.roles.filter((x) => x.hook).length);

		const ids = r.store.get(r.graph.inputs[0].name)!;
		expect(ids.dtype).toBe('int64');
		const back = decodeNpy(tensorNpy(ids));
		expect(back.dtype).toBe('int64');
		expect(back.dims).toEqual(ids.dims);
		expect([...(back.data as BigInt64Array)]).toEqual([...(ids.data as BigInt64Array)]);
		expect(npyName('pre-ln', ids, null)).toBe(`pre-ln-${ids.name.replace(/[^\w.-]/g, '_')}.npy`);
	});
});

describe('links', () => {
	it('a local file travels by name (file=), a zoo model by id; the two never mix', () => {
		const p = readParams(new URLSearchParams('file=my model.onnx&layer=2&head=1&text=hi'));
		expect([p.model, p.file, p.layer, p.head, p.input.text]).toEqual([null, 'my model.onnx', 2, 1, 'hi']);
		expect(writeParams(p).toString()).toBe('file=my+model.onnx&layer=2&head=1&text=hi');
		expect(readParams(new URLSearchParams('model=pre-ln&file=x.onnx')).file).toBeUndefined();
		expect(writeParams({ ...p, model: 'pre-ln' }).get('file')).toBeNull();
	});
});
