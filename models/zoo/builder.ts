// Zoo variant + spelling -> ONNX ModelProto. The forward pass mirrors forward.ts (the oracle) block
// for block; every tensor the oracle computes is recorded under the same semantic key, so tests can
// compare them tensor by tensor.
import type { ModelProto } from '../../src/lib/onnx/gen/onnx_pb.js';
import { buildModel, DT, f, tensorBool, tensorF32, valueInfo } from '../../src/lib/onnx/build.js';
import {
	D_FF,
	D_HEAD,
	D_MODEL,
	DEEPNORM_ALPHA,
	EPS,
	MAX_SEQ,
	N_HEADS,
	N_LAYERS,
	VARIANTS,
	type Family,
	type NormKind,
	type ZooId
} from './config.js';
import { Emitter } from './emitter.js';
import { spellingOf, type Spelling } from './spelling.js';
import { VOCAB } from './vocab.js';
import { weightIndex, zooWeights, type NormWeights } from './weights.js';

export interface ZooBuild {
	model: ModelProto;
	/** semantic key ("L0.pattern", "embed", "ln_f", "logits") -> ONNX tensor name */
	names: Map<string, string>;
	spelling: Spelling;
	opset: number;
}

/** Module names as the PyTorch exporter would print them: GPT-2 style or "blocks" style. */
interface TorchModules {
	block: string;
	ln1: string;
	ln2: string;
	lnf: string;
}
const GPT2: TorchModules = { block: 'h', ln1: 'ln_1', ln2: 'ln_2', lnf: 'ln_f' };
const BLOCKS: TorchModules = { block: 'blocks', ln1: 'ln1', ln2: 'ln2', lnf: 'ln_final' };
const TORCH_STYLE: Record<ZooId, TorchModules> = {
	'pre-ln': GPT2,
	parallel: GPT2,
	dyt: GPT2,
	'post-ln': BLOCKS,
	deepnorm: BLOCKS,
	'pre-rms-swiglu': BLOCKS
};

/** The lowest opset that has every op the spelling uses (ReduceMean's axes move to an input at 18). */
function opsetFor(norm: NormKind, mlp: 'gelu' | 'swiglu', s: Spelling): number {
	let v = 13;
	if (s.norm === 'fused' && norm === 'layernorm') v = Math.max(v, 17);
	if (s.norm === 'fused' && norm === 'rmsnorm') v = Math.max(v, 23);
	if (mlp === 'gelu' && s.gelu === 'op') v = Math.max(v, 20);
	return v;
}

/** The IR version released with that opset. */
function irFor(opset: number): number {
	return opset <= 13 ? 7 : opset <= 18 ? 8 : opset <= 20 ? 9 : opset <= 22 ? 10 : 11;
}

export function buildZoo(id: ZooId, partial?: Partial<Spelling>): ZooBuild {
	const s = spellingOf(partial);
	const info = VARIANTS[id];
	const W = zooWeights(id);
	const opset = opsetFor(info.norm, info.mlp, s);
	const g = new Emitter(s.names === 'torch');
	const tm = TORCH_STYLE[id];
	const T = s.names === 'torch';
	const V = VOCAB.length;

	// Graph outputs keep fixed names; in torch style the last norm's output is a graph output too.
	g.fixed.set('logits', 'logits');
	const lastNormKey = info.finalNorm ? 'ln_f' : `L${N_LAYERS - 1}.resid_post`;
	if (T) g.fixed.set(lastNormKey, 'last_hidden_state');

	const i64 = (vals: number[], hint: string) => g.const('i64', [vals.length], vals, hint);
	const scalar = (v: number, hint: string) => g.const('f32', [], [v], hint);

	// ReduceMean over the last axis, keepdims: axes is an attribute before opset 18, an input after.
	const reduceMean = (x: string) =>
		opset < 18 ? g.op('ReduceMean', [x], { axes: [-1], keepdims: 1 }) : g.op('ReduceMean', [x, i64([-1], 'axes_last')], { keepdims: 1 });

	const norm = (x: string, w: NormWeights, pPlain: string, pTorch: string, key: string): string => {
		const gamma = g.param(`${pPlain}.gamma`, `${pTorch}.weight`, [D_MODEL], w.gamma);
		const beta = w.beta ? g.param(`${pPlain}.beta`, `${pTorch}.bias`, [D_MODEL], w.beta) : '';
		if (info.norm === 'dyt') {
			// gamma * tanh(alpha * x) + beta
			const alpha = g.param(`${pPlain}.alpha`, `${pTorch}.alpha`, [1], Float32Array.of(w.alpha!));
			const t = g.op('Tanh', [g.op('Mul', [x, alpha])]);
			return g.op('Add', [g.op('Mul', [t, gamma]), beta], {}, key);
		}
		if (s.norm === 'fused') {
			const eps = { axis: -1, epsilon: f(EPS) };
			return info.norm === 'layernorm'
				? g.op('LayerNormalization', [x, gamma, beta], eps, key)
				: g.op('RMSNormalization', [x, gamma], eps, key);
		}
		const eps = scalar(EPS, 'eps');
		const two = scalar(2, 'two');
		if (info.norm === 'layernorm') {
			// (x - mean) / sqrt(var + eps) * gamma + beta
			const centered = g.op('Sub', [x, reduceMean(x)]);
			const variance = reduceMean(g.op('Pow', [centered, two]));
			const std = g.op('Sqrt', [g.op('Add', [variance, eps])]);
			const normed = g.op('Div', [centered, std]);
			return g.op('Add', [g.op('Mul', [normed, gamma]), beta], {}, key);
		}
		// x / sqrt(mean(x^2) + eps) * gamma, with 1/rms spelled three ways
		const ms = g.op('Add', [reduceMean(g.op('Pow', [x, two])), eps]);
		let normed: string;
		if (s.rms === 'div') normed = g.op('Div', [x, g.op('Sqrt', [ms])]);
		else if (s.rms === 'pow') normed = g.op('Mul', [x, g.op('Pow', [ms, scalar(-0.5, 'minus_half')])]);
		else normed = g.op('Mul', [x, g.op('Reciprocal', [g.op('Sqrt', [ms])])]);
		return g.op('Mul', [normed, gamma], {}, key);
	};

	/** x @ W (+ b): a MatMul and, with a bias, an Add, in the linear's own module scope. */
	const linear = (
		x: string,
		w: Float32Array,
		b: Float32Array | null,
		dims: [number, number],
		pPlain: string,
		module: string,
		pTorch: string,
		key: string
	): string =>
		g.in(T ? [module] : [], () => {
			const wt = g.param(`${pPlain}.weight`, `${pTorch}.weight`, dims, w, true);
			if (!b) return g.op('MatMul', [x, wt], {}, key);
			const y = g.op('MatMul', [x, wt]);
			return g.op('Add', [y, g.param(`${pPlain}.bias`, `${pTorch}.bias`, [dims[1]], b)], {}, key);
		});

	// --- Embeddings and the causal mask, sliced to the run's sequence length ---
	const ids = 'input_ids';
	const seqLen = g.op('Slice', [g.op('Shape', [ids]), i64([1], 'one'), i64([2], 'two_i'), i64([0], 'zero')]); // [S]
	const wte = g.param('embed.wte', 'wte.weight', [V, D_MODEL], W.wte);
	const wpe = g.param('embed.wpe', 'wpe.weight', [MAX_SEQ, D_MODEL], W.wpe);
	const tok = g.in(T ? ['wte'] : ['embed'], () => g.op('Gather', [wte, ids], { axis: 0 }, 'embed.tok')); // (1, S, D)
	const pos = g.in(T ? ['wpe'] : ['embed'], () => g.op('Slice', [wpe, i64([0], 'zero'), seqLen, i64([0], 'zero')], {}, 'embed.pos')); // (S, D)
	let x = g.op('Add', [tok, pos], {}, 'embed'); // (1, S, D)

	const causal = Array.from({ length: MAX_SEQ * MAX_SEQ }, (_, i) => i % MAX_SEQ <= Math.floor(i / MAX_SEQ)); // keep j <= i
	const maskName = T ? 'attn.causal_mask' : 'causal_mask';
	const maskTable =
		s.mask === 'where'
			? g.table(maskName, tensorBool(maskName, [MAX_SEQ, MAX_SEQ], causal))
			: g.table(
					maskName,
					tensorF32(
						maskName,
						[MAX_SEQ, MAX_SEQ],
						causal.map((keep) => (keep ? 0 : s.mask === 'add-inf' ? -Infinity : -1e9))
					)
				);
	const maskEnds = g.op('Concat', [seqLen, seqLen], { axis: 0 });
	const mask = g.op('Slice', [maskTable, i64([0, 0], 'zeros2'), maskEnds, i64([0, 1], 'axes01')]); // (S, S)

	const folded = s.softmax === 'folded';
	for (let l = 0; l < N_LAYERS; l++) {
		const L = W.layers[l];
		const key = (k: string) => `L${l}.${k}`;
		const pp = `layer${l}`; // plain parameter prefix
		const tp = `${tm.block}.${l}`; // torch parameter prefix
		g.names.set(key('resid_pre'), x); // the previous block's output (layer 0: the embedding sum)

		const attention = (a: string): string =>
			g.in(T ? ['attn'] : ['attn'], () => {
				const q = linear(a, L.wq, L.bq, [D_MODEL, D_MODEL], `${pp}.attn.q`, 'q_proj', `${tp}.attn.q_proj`, key('q'));
				const k = linear(a, L.wk, L.bk, [D_MODEL, D_MODEL], `${pp}.attn.k`, 'k_proj', `${tp}.attn.k_proj`, key('k'));
				const v = linear(a, L.wv, L.bv, [D_MODEL, D_MODEL], `${pp}.attn.v`, 'v_proj', `${tp}.attn.v_proj`, key('v'));
				// Split heads. bhss: (1, S, D) -> (1, S, H, Dh) -> (1, H, S, Dh);
				// folded, as nn.MultiheadAttention: (S, B*H, Dh) -> (B*H, S, Dh) with B = 1.
				const split = folded ? i64([-1, N_HEADS, D_HEAD], 'heads_folded') : i64([0, 0, N_HEADS, D_HEAD], 'heads');
				const heads = (t: string, perm: number[]) => g.op('Transpose', [g.op('Reshape', [t, split])], { perm });
				const qh = heads(q, folded ? [1, 0, 2] : [0, 2, 1, 3]);
				const kT = heads(k, folded ? [1, 2, 0] : [0, 2, 3, 1]); // keys transposed: (.., Dh, S)
				const vh = heads(v, folded ? [1, 0, 2] : [0, 2, 1, 3]);
				// scores = Q K^T / sqrt(Dh): (1, H, S, S) or (H, S, S)
				let scores: string;
				if (s.scale === 'before') {
					const c = scalar(Math.pow(D_HEAD, -0.25), 'qk_prescale'); // 0.5: exact, so both spellings agree bit for bit
					scores = g.op('MatMul', [g.op('Mul', [qh, c]), g.op('Mul', [kT, c])], {}, key('scores'));
				} else {
					const qk = g.op('MatMul', [qh, kT], {}, key('qk'));
					scores = g.op('Div', [qk, scalar(Math.sqrt(D_HEAD), 'sqrt_dh')], {}, key('scores'));
				}
				const masked =
					s.mask === 'where'
						? g.op('Where', [mask, scores, scalar(-Infinity, 'neg_inf')], {}, key('masked'))
						: g.op('Add', [scores, mask], {}, key('masked'));
				const pattern = g.op('Softmax', [masked], { axis: -1 }, key('pattern'));
				const zh = g.op('MatMul', [pattern, vh]); // (1, H, S, Dh) or (H, S, Dh)
				const z = folded
					? g.op('Reshape', [g.op('Transpose', [zh], { perm: [1, 0, 2] }), i64([1, -1, D_MODEL], 'merge_folded')], {}, key('z'))
					: g.op('Reshape', [g.op('Transpose', [zh], { perm: [0, 2, 1, 3] }), i64([0, 0, D_MODEL], 'merge')], {}, key('z'));
				return linear(z, L.wo, L.bo, [D_MODEL, D_MODEL], `${pp}.attn.o`, 'out_proj', `${tp}.attn.out_proj`, key('attn_out'));
			});

		const mlp = (a: string): string =>
			g.in(['mlp'], () => {
				let hidden: string;
				if (info.mlp === 'swiglu') {
					// W2 (SiLU(W1 a) * W3 a)
					const gate = linear(a, L.w1, L.b1, [D_MODEL, D_FF], `${pp}.mlp.w1`, 'gate_proj', `${tp}.mlp.gate_proj`, key('mlp_gate'));
					const act = g.in(T ? ['act_fn'] : [], () => g.op('Mul', [gate, g.op('Sigmoid', [gate])], {}, key('mlp_act')));
					const up = linear(a, L.w3!, null, [D_MODEL, D_FF], `${pp}.mlp.w3`, 'up_proj', `${tp}.mlp.up_proj`, key('mlp_up'));
					hidden = g.op('Mul', [act, up], {}, key('mlp_prod'));
				} else {
					const pre = linear(a, L.w1, L.b1, [D_MODEL, D_FF], `${pp}.mlp.w1`, 'fc_in', `${tp}.mlp.fc_in`, key('mlp_pre'));
					hidden = g.in(T ? ['act'] : [], () => geluOf(pre, key('mlp_act')));
				}
				const w2p = info.mlp === 'swiglu' ? ['down_proj', `${tp}.mlp.down_proj`] : ['fc_out', `${tp}.mlp.fc_out`];
				return linear(hidden, L.w2, L.b2, [D_FF, D_MODEL], `${pp}.mlp.w2`, w2p[0], w2p[1], key('mlp_out'));
			});

		const geluOf = (x: string, k: string): string => {
			if (s.gelu === 'op') return g.op('Gelu', [x], {}, k);
			const half = scalar(0.5, 'half');
			const one = scalar(1, 'one_f');
			if (s.gelu === 'erf') {
				// x * 0.5 * (1 + erf(x / sqrt 2)), in the order BERT exports write it
				const e = g.op('Erf', [g.op('Div', [x, scalar(Math.SQRT2, 'sqrt2')])]);
				return g.op('Mul', [g.op('Mul', [x, g.op('Add', [e, one])]), half], {}, k);
			}
			// 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
			const cube = g.op('Mul', [g.op('Pow', [x, scalar(3, 'three')]), scalar(0.044715, 'gelu_c')]);
			const inner = g.op('Mul', [g.op('Add', [x, cube]), scalar(Math.sqrt(2 / Math.PI), 'sqrt_2_over_pi')]);
			const t = g.op('Add', [g.op('Tanh', [inner]), one]);
			return g.op('Mul', [g.op('Mul', [half, x]), t], {}, k);
		};

		const ln = (which: 1 | 2, input: string, k: string) => {
			const w = which === 1 ? L.ln1 : L.ln2!;
			const mod = which === 1 ? tm.ln1 : tm.ln2;
			return g.in(T ? [mod] : [], () => norm(input, w, `${pp}.ln${which}`, `${tp}.${mod}`, k));
		};

		x = g.in(T ? [`${tm.block}.${l}`] : [`layer${l}`], () => block(info.family, x, { attention, mlp, ln, key }));
	}

	function block(
		family: Family,
		x: string,
		p: {
			attention: (a: string) => string;
			mlp: (a: string) => string;
			ln: (which: 1 | 2, input: string, key: string) => string;
			key: (k: string) => string;
		}
	): string {
		const { attention, mlp, ln, key } = p;
		switch (family) {
			case 'pre-norm':
			case 'dyt': {
				const h = g.op('Add', [x, attention(ln(1, x, key('ln1')))], {}, key('resid_mid'));
				return g.op('Add', [h, mlp(ln(2, h, key('ln2')))], {}, key('resid_post'));
			}
			case 'post-norm': {
				const h = ln(1, g.op('Add', [x, attention(x)], {}, key('attn_add')), key('resid_mid'));
				return ln(2, g.op('Add', [h, mlp(h)], {}, key('mlp_add')), key('resid_post'));
			}
			case 'deepnorm': {
				const alpha = scalar(DEEPNORM_ALPHA, 'deepnorm_alpha');
				const a = attention(x);
				const h = ln(1, g.op('Add', [g.op('Mul', [x, alpha], {}, key('attn_scaled')), a], {}, key('attn_add')), key('resid_mid'));
				const m = mlp(h);
				return ln(2, g.op('Add', [g.op('Mul', [h, alpha], {}, key('mlp_scaled')), m], {}, key('mlp_add')), key('resid_post'));
			}
			case 'parallel': {
				// GPT-J: attn_output + feed_forward_output + residual
				const n = ln(1, x, key('ln1'));
				const branch = g.op('Add', [attention(n), mlp(n)], {}, key('branch'));
				return g.op('Add', [branch, x], {}, key('resid_post'));
			}
		}
	}

	if (W.lnf) x = g.in(T ? [tm.lnf] : [], () => norm(x, W.lnf!, 'ln_f', `${tm.lnf}`, 'ln_f'));
	const wu = g.param('unembed.weight', 'lm_head.weight', [D_MODEL, V], W.wu, true);
	g.in(T ? ['lm_head'] : [], () => g.op('MatMul', [x, wu], {}, 'logits'));

	const outputs = [valueInfo('logits', DT.FLOAT, [1, 'seq', V])];
	if (T) outputs.push(valueInfo('last_hidden_state', DT.FLOAT, [1, 'seq', D_MODEL]));
	const model = buildModel({
		name: `blockscope-${id}`,
		nodes: g.nodes,
		inputs: [valueInfo(ids, DT.INT64, [1, 'seq'])],
		outputs,
		initializers: g.initializers,
		opset,
		irVersion: irFor(opset),
		docString: `${info.title}. ${info.description}`,
		metadata: zooMetadata(id)
	});
	return { model, names: g.names, spelling: s, opset };
}

/** The metadata_props every zoo model carries (issue 2/3). Order is fixed so bytes are stable. */
export function zooMetadata(id: ZooId): Record<string, string> {
	const info = VARIANTS[id];
	return {
		'blockscope.zoo_id': id,
		'blockscope.variant': info.family,
		'blockscope.vocab': JSON.stringify(VOCAB),
		'blockscope.max_seq': String(MAX_SEQ),
		'blockscope.d_model': String(D_MODEL),
		'blockscope.heads': String(N_HEADS),
		'blockscope.layers': String(N_LAYERS),
		'blockscope.training': JSON.stringify(trainingSummary(id))
	};
}

/** What the model was trained on and how well it does, from its weight index (models/weights/<id>.json). */
export function trainingSummary(id: ZooId): { text: string; steps: number; train_loss: number; heldout_loss: number } {
	const w = weightIndex(id);
	return {
		text: 'Isaac Newton, Opticks (1730; public domain), as shipped in Debian golang-1.19-src; last 10% held out',
		steps: Number(w.schedule.steps),
		train_loss: Number(w.final.train.toFixed(4)), // nats per character
		heldout_loss: Number(w.final.heldout.toFixed(4))
	};
}

export function buildZooModel(id: ZooId, spelling?: Partial<Spelling>): ModelProto {
	return buildZoo(id, spelling).model;
}
