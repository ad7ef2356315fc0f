// The zoo's shared shape and the list of variants. Every variant uses these sizes and was trained
// from the same initialization on the same batches (models/train/), so their intermediates can be
// compared side by side.

export const D_MODEL = 64;
export const N_HEADS = 4;
export const D_HEAD = D_MODEL / N_HEADS; // 16
export const D_FF = 256;
export const N_LAYERS = 4;
export const MAX_SEQ = 64;
export const EPS = 1e-5;

export const ZOO_IDS = ['pre-ln', 'post-ln', 'pre-rms-swiglu', 'parallel', 'deepnorm', 'dyt'] as const;
export type ZooId = (typeof ZOO_IDS)[number];
export const DEFAULT_ZOO_ID: ZooId = 'pre-ln';

/** Placement family, as issue 3's CLI contract spells `variant`. */
export type Family = 'post-norm' | 'pre-norm' | 'parallel' | 'deepnorm' | 'dyt';
export type NormKind = 'layernorm' | 'rmsnorm' | 'dyt';

export interface VariantInfo {
	id: ZooId;
	family: Family;
	norm: NormKind;
	mlp: 'gelu' | 'swiglu';
	bias: boolean; // linear layers carry biases (LLaMA-like: none)
	finalNorm: boolean; // a norm after the last block
	title: string;
	description: string;
}

export const VARIANTS: Record<ZooId, VariantInfo> = {
	'pre-ln': {
		id: 'pre-ln',
		family: 'pre-norm',
		norm: 'layernorm',
		mlp: 'gelu',
		bias: true,
		finalNorm: true,
		title: 'Pre-LN (GPT-2)',
		description: 'h = x + Attn(LN1(x)); out = h + FFN(LN2(h)); final LayerNorm after the last block. GELU FFN.'
	},
	'post-ln': {
		id: 'post-ln',
		family: 'post-norm',
		norm: 'layernorm',
		mlp: 'gelu',
		bias: true,
		finalNorm: false,
		title: 'Post-LN (Transformer 2017, BERT)',
		description: 'h = LN1(x + Attn(x)); out = LN2(h + FFN(h)); no final norm (the last LN2 is the last norm). GELU FFN.'
	},
	'pre-rms-swiglu': {
		id: 'pre-rms-swiglu',
		family: 'pre-norm',
		norm: 'rmsnorm',
		mlp: 'swiglu',
		bias: false,
		finalNorm: true,
		title: 'Pre-RMSNorm + SwiGLU (LLaMA-like)',
		description: 'h = x + Attn(RMS1(x)); out = h + W2(SiLU(W1 RMS2(h)) * W3 RMS2(h)); final RMSNorm; no biases.'
	},
	parallel: {
		id: 'parallel',
		family: 'parallel',
		norm: 'layernorm',
		mlp: 'gelu',
		bias: true,
		finalNorm: true,
		title: 'Parallel block (GPT-J)',
		description: 'out = x + Attn(LN(x)) + FFN(LN(x)) with one shared LayerNorm per block; final LayerNorm. GELU FFN.'
	},
	deepnorm: {
		id: 'deepnorm',
		family: 'deepnorm',
		norm: 'layernorm',
		mlp: 'gelu',
		bias: true,
		finalNorm: false,
		title: 'DeepNorm (DeepNet)',
		description:
			'Post-LN with an up-weighted residual: x = LN(alpha * x + G(x)), alpha = (2N)^(1/4); value, output and FFN weights initialized scaled by beta = (8N)^(-1/4).'
	},
	dyt: {
		id: 'dyt',
		family: 'dyt',
		norm: 'dyt',
		mlp: 'gelu',
		bias: true,
		finalNorm: true,
		title: 'Pre-norm with DyT (Transformers without Normalization)',
		description: 'Pre-norm block where every norm is DyT(x) = gamma * tanh(alpha * x) + beta, alpha learned per norm (init 0.5); final DyT.'
	}
};

export const DEEPNORM_ALPHA = Math.pow(2 * N_LAYERS, 1 / 4);
/** DeepNorm's init gain on V, O, W1, W2 (models/train/model.py); after training only smaller norms show it. */
export const DEEPNORM_BETA = Math.pow(8 * N_LAYERS, -1 / 4);
/** DyT's alpha before training; each norm learns its own. */
export const DYT_ALPHA_INIT = 0.5;

export function isZooId(s: string): s is ZooId {
	return (ZOO_IDS as readonly string[]).includes(s);
}
