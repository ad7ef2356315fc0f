// The browser runtime's pure parts: EP choice, model pick, progress text, streamed reading.
import { describe, expect, it } from 'vitest';
import { fallbackReason, parseBackend, plan, webgpuUnavailable } from '../../src/lib/worker/ep';
import { pickModel, type ZooEntry } from '../../src/lib/worker/zoo';
import { describeProgress } from '../../src/lib/worker/progress';
import { readBody } from '../../src/lib/worker/fetch';
import { makeHook } from '../../src/lib/worker/test-hook';
import type { ResultMessage } from '../../src/lib/worker/protocol';
import { findPatterns, softmaxPatterns } from '../../src/lib/worker/attention';
import { Graph, readModel } from '../../src/lib/onnx';
import { analyze } from '../../src/lib/analysis';
import { TensorStore } from '../../src/lib/tensor/store';
import { tinyAttentionModel } from '../e2e/tiny-model';

describe('execution provider choice', () => {
	it('reads ?backend=, anything else is auto', () => {
		expect(parseBackend('webgpu')).toBe('webgpu');
		expect(parseBackend('wasm')).toBe('wasm');
		expect(parseBackend('WebGPU')).toBe('auto');
		expect(parseBackend(null)).toBe('auto');
	});

	it('tries WebGPU then WASM; WASM alone, with the reason, when there is no adapter', () => {
		expect(plan('auto', null).map((a) => a.backend)).toEqual(['webgpu', 'wasm']);
		expect(plan('auto', 'no WebGPU adapter was found')).toEqual([{ backend: 'wasm', reason: 'no WebGPU adapter was found' }]);
		expect(plan('wasm', null)).toEqual([{ backend: 'wasm', reason: null }]);
		expect(plan('webgpu', null)).toEqual([{ backend: 'webgpu', reason: null }]);
	});

	it('says why WebGPU is unavailable', async () => {
		expect(await webgpuUnavailable(undefined)).toMatch(/navigator.gpu is missing/);
		expect(await webgpuUnavailable({})).toMatch(/navigator.gpu is missing/);
		expect(await webgpuUnavailable({ gpu: { requestAdapter: async () => null } })).toMatch(/no WebGPU adapter/);
		expect(await webgpuUnavailable({ gpu: { requestAdapter: async () => Promise.reject(new Error('boom')) } })).toMatch(/boom/);
		expect(await webgpuUnavailable({ gpu: { requestAdapter: async () => ({}) } })).toBeNull();
		expect(fallbackReason('webgpu', new Error('op X unsupported'))).toBe('creating the session on WebGPU failed: op X unsupported');
	});
});

describe('zoo entry', () => {
	const zoo: ZooEntry[] = [
		{ id: 'post-ln', file: 'post-ln.onnx', title: '', description: '' },
		{ id: 'pre-ln', file: 'pre-ln.onnx', title: '', description: '' }
	];
	it('takes ?model=, else the default flag, else pre-ln', () => {
		expect(pickModel(zoo, null).id).toBe('pre-ln');
		expect(pickModel([{ ...zoo[0], default: true }, zoo[1]], null).id).toBe('post-ln');
		expect(pickModel(zoo, 'post-ln').id).toBe('post-ln');
		expect(() => pickModel(zoo, 'nope')).toThrow(/No model "nope".*post-ln, pre-ln/);
	});
});

describe('progress', () => {
	it('formats bytes read of total', () => {
		expect(describeProgress({ type: 'progress', id: 1, stage: 'fetch', message: 'fetching m.onnx', loaded: 1024, total: 4096 })).toBe(
			'fetching m.onnx: 1.0 KiB of 4.0 KiB'
		);
		expect(describeProgress({ type: 'progress', id: 1, stage: 'fetch', message: 'fetching m.onnx', loaded: 10, total: null })).toBe(
			'fetching m.onnx: 10 B'
		);
		expect(describeProgress({ type: 'progress', id: 1, stage: 'session', message: 'creating session on WebGPU' })).toBe(
			'creating session on WebGPU'
		);
	});
});

describe('streamed model reading', () => {
	function chunked(bytes: Uint8Array, size: number): Response {
		let at = 0;
		const body = new ReadableStream<Uint8Array>({
			pull(c) {
				if (at >= bytes.length) return c.close();
				c.enqueue(bytes.slice(at, at + size));
				at += size;
			}
		});
		return new Response(body);
	}
	const bytes = Uint8Array.from({ length: 10_000 }, (_, i) => i % 251);

	for (const total of [10_000, null, 100]) {
		it(`reads every byte with spare room after them (declared length ${total})`, async () => {
			const seen: number[] = [];
			const buf = await readBody(chunked(bytes, 3000), total, (loaded) => seen.push(loaded));
			expect(buf.length).toBe(10_000);
			expect(buf.buffer.subarray(0, buf.length)).toEqual(bytes);
			expect(buf.buffer.byteLength).toBeGreaterThan(buf.length); // room for the capture suffix
			expect(seen).toEqual([0, 3000, 6000, 9000, 10_000]);
		});
	}
});

describe('test hook', () => {
	it('hands out copies as plain numbers', () => {
		const data = Float32Array.from([0.25, 0.75]);
		const r = {
			backend: 'wasm',
			fallback: null,
			captureSet: 'all',
			model: { name: 'm.onnx' },
			attention: [{ layer: 0, tensor: 'p', masked: true }],
			attentionSource: 'analysis',
			tokens: ['a'],
			tensors: [
				{ name: 'ids', dims: [1, 1], dtype: 'int64', data: BigInt64Array.from([7n]) },
				{ name: 'p', dims: [1, 2], dtype: 'float32', data }
			]
		} as unknown as ResultMessage;
		const hook = makeHook(r);
		expect(hook.names()).toEqual(['ids', 'p']);
		expect(hook.tensor('ids')).toEqual({ dims: [1, 1], dtype: 'int64', data: [7] });
		const p = hook.tensor('p')!;
		p.data[0] = 9;
		expect(data[0]).toBe(0.25);
		expect(hook.tensor('nope')).toBeNull();
		expect(Object.isFrozen(hook)).toBe(true);
		expect(hook.info().attention).toEqual([{ layer: 0, tensor: 'p', masked: true }]);
		expect(hook.info().attentionSource).toBe('analysis');
	});
});

describe('finding the attention patterns', () => {
	const graph = new Graph(readModel(tinyAttentionModel()));
	const store = new TensorStore();
	store.add({ name: 'masked_scores', dims: [1, 2, 5, 5], dtype: 'float32', data: new Float32Array(50) });
	store.add({ name: 'pattern', dims: [1, 2, 5, 5], dtype: 'float32', data: new Float32Array(50) });

	it('falls back to Softmax outputs of shape [1, H, S, S] without a structure', () => {
		expect(softmaxPatterns(graph, store)).toEqual([{ layer: 0, tensor: 'pattern', masked: null, scores: 'masked_scores' }]);
		expect(findPatterns(graph, null, store).source).toBe('softmax-heuristic');
		const other = new TensorStore();
		other.add({ name: 'pattern', dims: [2, 5, 5], dtype: 'float32', data: new Float32Array(50) });
		expect(softmaxPatterns(graph, other)).toEqual([]);
		// Scores of other dims than the pattern are not the pattern's scores.
		const odd = new TensorStore();
		odd.add({ name: 'masked_scores', dims: [1, 2, 5, 4], dtype: 'float32', data: new Float32Array(40) });
		odd.add({ name: 'pattern', dims: [1, 2, 5, 5], dtype: 'float32', data: new Float32Array(50) });
		expect(softmaxPatterns(graph, odd)[0].scores).toBeNull();
	});

	it('prefers what the recognizer placed, with its mask flag', () => {
		const found = findPatterns(graph, analyze(graph), store);
		expect(found.source).toBe('analysis');
		expect(found.attention).toEqual([
			{ layer: 0, tensor: 'pattern', masked: true, scores: 'masked_scores', op: 'Softmax', derived: false }
		]);
	});
});
