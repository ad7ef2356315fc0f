// A GPT-2 stack as ONNX Runtime's transformers optimizer leaves it (optimize_model, model_type
// "gpt2"): embeddings Add + LayerNormalization; per block com.microsoft Attention with the packed
// c_attn weight [D, 3D] and bias, unidirectional=1 and the attention_mask as a raw int32
// mask_index; the c_proj MatMul whose bias moved into SkipLayerNormalization(c_proj, stream,
// gamma, beta, bias) with the stream sum as its 4th output (input_skip_bias_sum); the MLP as
// MatMul -> FastGelu(x, bias) -> MatMul; the next block's ln_1 (or ln_f) is the Skip op that adds
// the MLP branch. ln_f's Skip op has no 4th output: that last stream sum is hidden.
import { DT, GraphBuilder } from './graph-builder.js';
import { tensorF32 } from '../../src/lib/onnx/build.js';
import type { ModelProto } from '../../src/lib/onnx/gen/onnx_pb.js';
import { weightMaker, type W } from './weights.js';

export interface Gpt2Layer {
	ln1g: W;
	ln1b: W;
	wqkv: W;
	bqkv: W;
	wo: W;
	bo: W;
	ln2g: W;
	ln2b: W;
	wfc: W;
	bfc: W;
	wproj: W;
	bproj: W;
}

export interface Gpt2Weights {
	D: number;
	H: number;
	F: number;
	V: number;
	P: number;
	wte: W;
	wpe: W;
	layers: Gpt2Layer[];
	lnfg: W;
	lnfb: W;
	eps: number;
}

/** Graph tensor names of what the oracle computes, per layer. */
export interface Gpt2Names {
	layers: { attention: string; ln1: string; residMid: string; ln2: string; residPost: string }[];
	lnf: string;
}

export function gpt2Weights(layers = 2, D = 32, H = 2, F = 64, V = 40, P = 32, seed = 11): Gpt2Weights {
	const w = weightMaker(seed);
	return {
		D,
		H,
		F,
		V,
		P,
		eps: 1e-5,
		wte: w(V * D, 0.5),
		wpe: w(P * D, 0.2),
		lnfg: w(D, 0.1, 1),
		lnfb: w(D, 0.1),
		layers: Array.from({ length: layers }, () => ({
			ln1g: w(D, 0.1, 1),
			ln1b: w(D, 0.1),
			wqkv: w(D * 3 * D, 0.3),
			bqkv: w(3 * D, 0.1),
			wo: w(D * D, 0.2),
			bo: w(D, 0.1),
			ln2g: w(D, 0.1, 1),
			ln2b: w(D, 0.1),
			wfc: w(D * F, 0.2),
			bfc: w(F, 0.1),
			wproj: w(F * D, 0.2),
			bproj: w(D, 0.1)
		}))
	};
}

export function gpt2Fused(W: Gpt2Weights = gpt2Weights()): { model: ModelProto; names: Gpt2Names } {
	const { D, H, eps } = W;
	const b = new GraphBuilder('torch', 17);
	const ms = { domain: 'com.microsoft' };
	const p = (name: string, dims: number[], data: W) => b.initializer(tensorF32(name, dims, data));
	const ids = b.input('input_ids', DT.INT64, ['batch_size', 'sequence_length']);
	b.input('attention_mask', DT.INT64, ['batch_size', 'sequence_length']);
	const maskIndex = b.op('Cast', ['attention_mask'], { to: DT.INT32 });
	const positions = b.unsqueeze(b.op('Range', [b.constant([0], [], 'int64'), b.size(ids, 1), b.constant([1], [], 'int64')]), [0]);
	const tok = b.op('Gather', [p('transformer.wte.weight', [W.V, D], W.wte), ids]);
	const pos = b.op('Gather', [p('transformer.wpe.weight', [W.P, D], W.wpe), positions]);
	let stream = b.op('Add', [tok, pos]);
	let ln1 = b.op('LayerNormalization', [stream, p('h.0.ln_1.weight', [D], W.layers[0].ln1g), p('h.0.ln_1.bias', [D], W.layers[0].ln1b)], {
		axis: -1,
		epsilon: { f: eps }
	});
	const names: Gpt2Names = { layers: [], lnf: '' };
	W.layers.forEach((L, i) => {
		const last = i === W.layers.length - 1;
		b.scope(`h.${i}`, () => {
			const attn = b.op(
				'Attention',
				[ln1, p(`h.${i}.attn.c_attn.weight`, [D, 3 * D], L.wqkv), p(`h.${i}.attn.c_attn.bias`, [3 * D], L.bqkv), maskIndex],
				{ num_heads: H, unidirectional: 1 },
				ms
			);
			const proj = b.op('MatMul', [attn, p(`h.${i}.attn.c_proj.weight`, [D, D], L.wo)]);
			const [ln2, , , mid] = b.opN(
				'SkipLayerNormalization',
				[proj, stream, p(`h.${i}.ln_2.weight`, [D], L.ln2g), p(`h.${i}.ln_2.bias`, [D], L.ln2b), p(`h.${i}.attn.c_proj.bias`, [D], L.bo)],
				4,
				{ epsilon: { f: eps } },
				ms
			);
			const fc = b.op('MatMul', [ln2, p(`h.${i}.mlp.c_fc.weight`, [D, W.F], L.wfc)]);
			const act = b.op('FastGelu', [fc, p(`h.${i}.mlp.c_fc.bias`, [W.F], L.bfc)], {}, ms);
			const mlp = b.op('MatMul', [act, p(`h.${i}.mlp.c_proj.weight`, [W.F, D], L.wproj)]);
			const next = last ? null : W.layers[i + 1];
			const [g, bb] = next ? [next.ln1g, next.ln1b] : [W.lnfg, W.lnfb];
			const prefix = next ? `h.${i + 1}.ln_1` : 'ln_f';
			const outs = b.opN(
				'SkipLayerNormalization',
				[mlp, mid, p(`${prefix}.weight`, [D], g), p(`${prefix}.bias`, [D], bb), p(`h.${i}.mlp.c_proj.bias`, [D], L.bproj)],
				last ? 1 : 4,
				{ epsilon: { f: eps } },
				{ ...ms, out: last ? 'last_hidden_state' : undefined }
			);
			names.layers.push({ attention: attn, ln1, residMid: mid, ln2, residPost: last ? '' : outs[3] });
			ln1 = outs[0];
			stream = last ? '' : outs[3];
			if (last) names.lnf = outs[0];
		});
	});
	b.output('last_hidden_state', DT.FLOAT, ['batch_size', 'sequence_length', D]);
	const model = b.model('gpt2-ort-optimized', { extraOpsets: { 'com.microsoft': 1 } });
	model.producerName = 'onnxruntime.transformers';
	return { model, names };
}
