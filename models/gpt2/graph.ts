// The GPT-2-small-shaped stack as an ONNX graph: pre-LN blocks the way the zoo's default pre-ln
// spelling writes them (fused LayerNormalization, Gelu, Where-masked causal Softmax over
// [1, H, S, S]), GPT-2's sizes, and the unembedding tied to the token embedding (Gemm transB).
// The learned weights are not in the ModelProto this returns: they are `WeightSpec`s, which
// write.ts streams into the file, so ~500 MB of weights never sit in memory at once.
import type { ModelProto, NodeProto, TensorProto } from '../../src/lib/onnx/gen/onnx_pb.js';
import { buildModel, DT, f, node, tensorBool, tensorF32, tensorI64, valueInfo, type AttrValue } from '../../src/lib/onnx/build.js';
import { checkConfig, GPT2_ID, type Gpt2Config } from './config.js';

/** A learned float32 tensor, filled at write time: seeded uniform noise with GPT-2's init std, or a constant. */
export interface WeightSpec {
	name: string;
	dims: number[];
	init: { std: number } | { value: number };
}

export interface Gpt2Plan {
	/** Nodes, inputs, outputs, small constants and metadata; no learned weights. */
	model: ModelProto;
	weights: WeightSpec[];
	/** Bytes of float32 weights the file will hold. */
	weightBytes: number;
}

export const OPSET = 20; // Gelu is an ONNX op from 20; LayerNormalization from 17
const IR_VERSION = 9;
const EPS = 1e-5;

export function gpt2Plan(cfg: Gpt2Config): Gpt2Plan {
	checkConfig(cfg);
	const { layers: N, dModel: D, heads: H, dFF: F, vocab: V, maxPos: P } = cfg;
	const dh = D / H;
	const nodes: NodeProto[] = [];
	const consts: TensorProto[] = [];
	const weights: WeightSpec[] = [];
	const counters = new Map<string, number>();
	let scope = 'graph';

	/** One node; its output is `scope/name` when named, else `scope/Op_k`. */
	const op = (opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, name?: string): string => {
		const k = `${scope}|${opType}`;
		const n = counters.get(k) ?? 0;
		counters.set(k, n + 1);
		const nodeName = `${scope}/${opType}${n ? `_${n}` : ''}`;
		const out = name === undefined ? nodeName : name.includes('/') || scope === 'graph' ? name : `${scope}/${name}`;
		nodes.push(node(opType, inputs, [out], attrs, { name: nodeName }));
		return out;
	};
	const param = (name: string, dims: number[], init: WeightSpec['init']): string => {
		weights.push({ name, dims, init });
		return name;
	};
	const constI64 = (name: string, vals: number[]) => (consts.push(tensorI64(name, [vals.length], vals)), name);
	const constF32 = (name: string, v: number) => (consts.push(tensorF32(name, [], [v])), name);

	// GPT-2's init: N(0, 0.02) for linears and the token embedding, 0.01 for positions, and
	// 0.02 / sqrt(2N) for the projections that write into the residual stream.
	const std = 0.02;
	const residStd = std / Math.sqrt(2 * N);
	const biasStd = 0.002; // GPT-2 starts biases at 0; a little noise keeps every tensor non-trivial

	const ids = 'input_ids';
	constI64('const/one', [1]);
	constI64('const/two', [2]);
	constI64('const/zero', [0]);
	constI64('const/zeros2', [0, 0]);
	constI64('const/axes01', [0, 1]);
	constI64('const/heads', [0, 0, H, dh]);
	constI64('const/merge', [0, 0, D]);
	constI64('const/flat', [-1, D]);
	constI64('const/unflat', [1, -1, V]);
	constF32('const/sqrt_dh', Math.sqrt(dh));
	constF32('const/neg_inf', -Infinity);
	const causal = Array.from({ length: P * P }, (_, i) => i % P <= Math.floor(i / P)); // keep key j <= query i
	consts.push(tensorBool('causal_mask', [P, P], causal));

	const seqLen = op('Slice', [op('Shape', [ids]), 'const/one', 'const/two', 'const/zero']); // [S]
	const wte = param('embed.wte', [V, D], { std });
	const wpe = param('embed.wpe', [P, D], { std: 0.01 });
	scope = 'embed';
	const tok = op('Gather', [wte, ids], { axis: 0 }, 'embed/tok');
	const pos = op('Slice', [wpe, 'const/zero', seqLen, 'const/zero'], {}, 'embed/pos');
	scope = 'graph';
	let x = op('Add', [tok, pos], {}, 'embed');
	const mask = op('Slice', ['causal_mask', 'const/zeros2', op('Concat', [seqLen, seqLen], { axis: 0 }), 'const/axes01']); // [S, S]

	const layerNorm = (input: string, prefix: string, out: string): string => {
		const g = param(`${prefix}.gamma`, [D], { value: 1 });
		const b = param(`${prefix}.beta`, [D], { value: 0 });
		return op('LayerNormalization', [input, g, b], { axis: -1, epsilon: f(EPS) }, out);
	};
	const linear = (input: string, prefix: string, din: number, dout: number, wStd: number, out: string): string => {
		const y = op('MatMul', [input, param(`${prefix}.weight`, [din, dout], { std: wStd })]);
		return op('Add', [y, param(`${prefix}.bias`, [dout], { std: biasStd })], {}, out);
	};
	const heads = (t: string, perm: number[]) => op('Transpose', [op('Reshape', [t, 'const/heads'])], { perm });

	for (let l = 0; l < N; l++) {
		const p = `layer${l}`;
		scope = p;
		const a = layerNorm(x, `${p}.ln1`, 'ln1');
		scope = `${p}/attn`;
		const q = linear(a, `${p}.attn.q`, D, D, std, `${p}/q`);
		const k = linear(a, `${p}.attn.k`, D, D, std, `${p}/k`);
		const v = linear(a, `${p}.attn.v`, D, D, std, `${p}/v`);
		const qk = op('MatMul', [heads(q, [0, 2, 1, 3]), heads(k, [0, 2, 3, 1])], {}, `${p}/qk`);
		const scores = op('Div', [qk, 'const/sqrt_dh'], {}, `${p}/scores`);
		const masked = op('Where', [mask, scores, 'const/neg_inf'], {}, `${p}/masked`);
		const pattern = op('Softmax', [masked], { axis: -1 }, `${p}/pattern`);
		const zh = op('MatMul', [pattern, heads(v, [0, 2, 1, 3])]);
		const z = op('Reshape', [op('Transpose', [zh], { perm: [0, 2, 1, 3] }), 'const/merge'], {}, `${p}/z`);
		const attnOut = linear(z, `${p}.attn.o`, D, D, residStd, `${p}/attn_out`);
		scope = p;
		const h = op('Add', [x, attnOut], {}, 'resid_mid');
		const m = layerNorm(h, `${p}.ln2`, 'ln2');
		scope = `${p}/mlp`;
		const pre = linear(m, `${p}.mlp.fc_in`, D, F, std, `${p}/mlp_pre`);
		const act = op('Gelu', [pre], {}, `${p}/mlp_act`);
		const mlpOut = linear(act, `${p}.mlp.fc_out`, F, D, residStd, `${p}/mlp_out`);
		scope = p;
		x = op('Add', [h, mlpOut], {}, 'resid_post');
	}
	scope = 'graph';
	x = layerNorm(x, 'ln_f', 'ln_f');
	// Tied unembedding, as GPT-2: logits = x wte^T, one copy of the table in the file.
	scope = 'lm_head';
	const flat = op('Reshape', [x, 'const/flat']);
	const logits2d = op('Gemm', [flat, wte], { transB: 1 });
	scope = 'graph';
	op('Reshape', [logits2d, 'const/unflat'], {}, 'logits');

	const seq = cfg.seq ?? 'seq';
	const model = buildModel({
		name: GPT2_ID,
		nodes,
		inputs: [valueInfo(ids, DT.INT64, [1, seq])],
		outputs: [valueInfo('logits', DT.FLOAT, [1, seq, V])],
		initializers: consts,
		opset: OPSET,
		irVersion: IR_VERSION,
		docString: `GPT-2-small-shaped stack (random weights, seed ${cfg.seed}): ${N} pre-LN layers, d_model ${D}, ${H} heads, FFN ${F}, GELU, causal, vocab ${V} (tied unembedding).`,
		metadata: {
			'blockscope.model': GPT2_ID,
			'blockscope.variant': 'pre-norm',
			'blockscope.d_model': String(D),
			'blockscope.heads': String(H),
			'blockscope.layers': String(N),
			'blockscope.seed': String(cfg.seed)
		}
	});
	const weightBytes = weights.reduce((s, w) => s + 4 * w.dims.reduce((a, b) => a * b, 1), 0);
	return { model, weights, weightBytes };
}
