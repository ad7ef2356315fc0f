// A LLaMA stack as onnxruntime-genai's model builder writes it (int4): SimplifiedLayerNormalization
// for the first input_layernorm, SkipSimplifiedLayerNormalization(stream, branch, gamma) after
// every branch (4th output: the stream; none for the final norm), q/k/v/o and the MLP as
// MatMulNBits (bits 4, block 32; MLP with zero points), GroupQueryAttention (num_heads 4,
// kv_num_heads 2, do_rotary with cos/sin caches, seqlens_k = sum(mask) - 1, total_sequence_length
// from the mask's shape), SiLU as Sigmoid * x.
import { DT, GraphBuilder } from './graph-builder.js';
import { tensorF32 } from '../../src/lib/onnx/build.js';
import type { ModelProto } from '../../src/lib/onnx/gen/onnx_pb.js';
import { weightMaker, type W } from './weights.js';
import { q4, type Q4 } from './quant.js';
import { tensorU8 } from './tensors.js';

export interface LlamaLayer {
	ln1: W;
	q: Q4;
	k: Q4;
	v: Q4;
	o: Q4;
	ln2: W;
	gate: Q4;
	up: Q4;
	down: Q4;
}
export interface LlamaWeights {
	D: number;
	H: number;
	KV: number;
	hd: number;
	F: number;
	V: number;
	P: number;
	eps: number;
	embed: W;
	cos: W;
	sin: W;
	layers: LlamaLayer[];
	norm: W;
}

export function llamaWeights(layers = 2, D = 64, H = 4, KV = 2, F = 128, V = 40, P = 32, seed = 5): LlamaWeights {
	const w = weightMaker(seed);
	const hd = D / H;
	const inv = Array.from({ length: hd / 2 }, (_, i) => 10000 ** (-(2 * i) / hd));
	const cos = Float32Array.from({ length: (P * hd) / 2 }, (_, t) => Math.cos(Math.floor(t / (hd / 2)) * inv[t % (hd / 2)]));
	const sin = Float32Array.from({ length: (P * hd) / 2 }, (_, t) => Math.sin(Math.floor(t / (hd / 2)) * inv[t % (hd / 2)]));
	let s = seed * 100;
	return {
		D,
		H,
		KV,
		hd,
		F,
		V,
		P,
		eps: 1e-6,
		embed: w(V * D, 1),
		cos,
		sin,
		norm: w(D, 0.1, 1),
		layers: Array.from({ length: layers }, () => ({
			ln1: w(D, 0.1, 1),
			ln2: w(D, 0.1, 1),
			q: q4(D, D, 32, s++, false),
			k: q4(D, KV * hd, 32, s++, false),
			v: q4(D, KV * hd, 32, s++, false),
			o: q4(D, D, 32, s++, false),
			gate: q4(D, F, 32, s++, true),
			up: q4(D, F, 32, s++, true),
			down: q4(F, D, 32, s++, true)
		}))
	};
}

export function llamaGenai(W: LlamaWeights = llamaWeights()): { model: ModelProto } {
	const { D, H, KV, hd, eps } = W;
	const b = new GraphBuilder('torch', 17);
	const ms = { domain: 'com.microsoft' };
	const ids = b.input('input_ids', DT.INT64, ['batch_size', 'sequence_length']);
	b.input('attention_mask', DT.INT64, ['batch_size', 'total_sequence_length']);
	const seqlensK = b.op(
		'Cast',
		[b.op('Sub', [b.op('ReduceSum', ['attention_mask', b.ints([1])], { keepdims: 0 }), b.constant([1], [], 'int64')])],
		{ to: DT.INT32 }
	);
	const total = b.op('Cast', [b.size('attention_mask', 1)], { to: DT.INT32 });
	const cos = b.initializer(tensorF32('cos_cache', [W.P, hd / 2], W.cos));
	const sin = b.initializer(tensorF32('sin_cache', [W.P, hd / 2], W.sin));
	const nbits = (x: string, q: Q4, name: string) => {
		const blocks = q.K / q.block;
		const ins = [
			x,
			b.initializer(tensorU8(`${name}.qweight`, [q.N, blocks, q.block / 2], q.packed)),
			b.initializer(tensorF32(`${name}.scales`, [q.N * blocks], q.scales))
		];
		if (q.zeros) ins.push(b.initializer(tensorU8(`${name}.qzeros`, [q.zeros.length], q.zeros)));
		return b.op('MatMulNBits', ins, { K: q.K, N: q.N, bits: 4, block_size: q.block, accuracy_level: 0 }, ms);
	};
	let stream = b.op('Gather', [b.initializer(tensorF32('model.embed_tokens.weight', [W.V, D], W.embed)), ids]);
	let ln1 = b.op(
		'SimplifiedLayerNormalization',
		[stream, b.initializer(tensorF32('model.layers.0.input_layernorm.weight', [D], W.layers[0].ln1))],
		{ axis: -1, epsilon: { f: eps }, stash_type: 1 }
	);
	W.layers.forEach((L, i) => {
		const last = i === W.layers.length - 1;
		b.scope(`model/layers.${i}`, () => {
			const P = `model.layers.${i}`;
			const q = nbits(ln1, L.q, `${P}.attn.q_proj`);
			const k = nbits(ln1, L.k, `${P}.attn.k_proj`);
			const v = nbits(ln1, L.v, `${P}.attn.v_proj`);
			const [attn] = b.opN(
				'GroupQueryAttention',
				[q, k, v, '', '', seqlensK, total, cos, sin],
				3,
				{ num_heads: H, kv_num_heads: KV, do_rotary: 1, rotary_interleaved: 0, local_window_size: -1, scale: { f: 1 / Math.sqrt(hd) } },
				ms
			);
			const o = nbits(attn, L.o, `${P}.attn.o_proj`);
			const [ln2, , , mid] = b.opN(
				'SkipSimplifiedLayerNormalization',
				[stream, o, b.initializer(tensorF32(`${P}.post_attention_layernorm.weight`, [D], L.ln2))],
				4,
				{ epsilon: { f: eps } },
				ms
			);
			const gate = nbits(ln2, L.gate, `${P}.mlp.gate_proj`);
			const up = nbits(ln2, L.up, `${P}.mlp.up_proj`);
			const down = nbits(b.op('Mul', [b.op('Mul', [gate, b.op('Sigmoid', [gate])]), up]), L.down, `${P}.mlp.down_proj`);
			const g = last ? W.norm : W.layers[i + 1].ln1;
			const gName = last ? 'model.norm.weight' : `model.layers.${i + 1}.input_layernorm.weight`;
			const outs = b.opN(
				'SkipSimplifiedLayerNormalization',
				[mid, down, b.initializer(tensorF32(gName, [D], g))],
				last ? 1 : 4,
				{ epsilon: { f: eps } },
				{ ...ms, out: last ? 'hidden_states' : undefined }
			);
			ln1 = outs[0];
			stream = last ? '' : outs[3];
		});
	});
	b.output('hidden_states', DT.FLOAT, ['batch_size', 'sequence_length', D]);
	const model = b.model('llama-genai-int4', { extraOpsets: { 'com.microsoft': 1 } });
	model.producerName = 'onnxruntime-genai';
	return { model };
}
