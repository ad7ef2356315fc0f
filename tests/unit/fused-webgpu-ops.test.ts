// Ops ORT-web's WebGPU EP has no kernel for are named before the session exists: in auto mode the
// page runs WASM and says which op; forced WebGPU says ORT runs those nodes on its CPU EP.
import { describe, expect, it } from 'vitest';
import { Graph } from '../../src/lib/onnx/graph.js';
import { cpuNodesNote, plan } from '../../src/lib/worker/ep.js';
import { WEBGPU_KERNELS, lackingNames, webgpuLacks } from '../../src/lib/worker/webgpu-ops.js';
import { bertFused } from '../fixtures/ort/bert-fused.js';
import { gpt2Fused } from '../fixtures/ort/gpt2-fused.js';
import { llamaGenai } from '../fixtures/ort/llama-genai.js';

describe('WebGPU kernel check', () => {
	it('the fused GPT-2 and the genai LLaMA have a WebGPU kernel for every op', () => {
		expect(webgpuLacks(new Graph(gpt2Fused().model))).toEqual([]);
		expect(webgpuLacks(new Graph(llamaGenai().model))).toEqual([]);
	});

	it('BERT as the ORT optimizer leaves it lacks com.microsoft EmbedLayerNormalization (one node)', () => {
		const lacking = webgpuLacks(new Graph(bertFused().model));
		expect(lacking).toEqual([{ domain: 'com.microsoft', op: 'EmbedLayerNormalization', nodes: 1 }]);
	});

	it('dynamic int8 BERT: each missing (domain, op) once, with its node count, in first-use order', () => {
		const lacking = webgpuLacks(new Graph(bertFused(undefined, { int8: true }).model));
		const ops = lacking.map((o) => `${o.domain}:${o.op}`);
		expect(ops[0]).toBe('com.microsoft:EmbedLayerNormalization');
		expect(ops).toContain(':DynamicQuantizeLinear');
		expect(ops).toContain(':MatMulInteger');
		expect(new Set(ops).size).toBe(ops.length);
		// 2 layers x (Q/K/V packed, out, fc1, fc2) quantized linears, each its own MatMulInteger
		expect(lacking.find((o) => o.op === 'MatMulInteger')!.nodes).toBeGreaterThanOrEqual(2 * 3);
	});

	it('auto mode skips WebGPU and names the op; forced WebGPU keeps it and says the nodes run on the CPU', () => {
		const lacking = webgpuLacks(new Graph(bertFused().model));
		expect(plan('auto', null, lacking)).toEqual([
			{ backend: 'wasm', reason: 'WebGPU has no kernel for com.microsoft EmbedLayerNormalization here: ran on WASM' }
		]);
		expect(plan('auto', null, [])).toEqual([
			{ backend: 'webgpu', reason: null },
			{ backend: 'wasm', reason: null }
		]);
		// no adapter: that reason wins (WebGPU was never an option)
		expect(plan('auto', 'no WebGPU adapter was found', lacking)[0].reason).toBe('no WebGPU adapter was found');
		expect(plan('webgpu', null, lacking)).toEqual([{ backend: 'webgpu', reason: null }]);
		expect(cpuNodesNote(lacking)).toBe(
			'WebGPU has no kernel for com.microsoft EmbedLayerNormalization: ORT runs that node on the CPU (WASM) inside the WebGPU session'
		);
		expect(cpuNodesNote([])).toBeNull();
	});

	it('names at most four ops; ONNX ops without a domain', () => {
		const ops = ['A', 'B', 'C', 'D', 'E', 'F'].map((op) => ({ domain: '', op, nodes: 1 }));
		expect(lackingNames(ops)).toBe('A, B, C, D and 2 more');
	});

	it('the list holds what ORT registers and not what it comments out', () => {
		const onnx = WEBGPU_KERNELS.get('')!;
		for (const op of ['MatMul', 'Gemm', 'Softmax', 'LayerNormalization', 'SimplifiedLayerNormalization', 'Transpose', 'DequantizeLinear'])
			expect(onnx.has(op), op).toBe(true);
		for (const op of ['Attention', 'RMSNormalization', 'MatMulInteger', 'QuantizeLinear', 'QLinearMatMul', 'DynamicQuantizeLinear'])
			expect(onnx.has(op), op).toBe(false);
		const ms = WEBGPU_KERNELS.get('com.microsoft')!;
		for (const op of ['EmbedLayerNormalization', 'QAttention', 'QEmbedLayerNormalization', 'MatMulBnb4', 'GemmFastGelu'])
			expect(ms.has(op), op).toBe(false);
	});
});
