// The zoo's shared shape and the list of variants. Every variant uses these sizes and the same
// base weights (weights.ts), so their intermediates can be compared side by side.

export const D_MODEL = 64;
export const N_HEADS = 4;
export const D_HEAD = D_MODEL / N_HEADS; // 16
export const D_FF = 256;
export const N_LAYERS = 4;
export const MAX_SEQ = 64;
export const EPS = 1e-5;

/**
 * The residual stream is split in two: dims [0, POS0) carry content (token embeddings and
 * everything the attention/MLP branches write), dims [POS0, D_MODEL) are a positional subspace
 * that only the position embedding writes. Planted heads read it (weights.ts explains how).
 */
export const POS_FREQS = [1.79, 0.94, 0.56, 1.03]; // radians per position; chosen so cos-sums away from 0 stay <= 1.88 (of 4)
export const POS_DIMS = 4 * POS_FREQS.length + 2; // (cos, sin, -cos, -sin) per frequency + a (+c, -c) constant pair
export const POS0 = D_MODEL - POS_DIMS; // 46

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
		id: 'pre-ln', family: 'pre-norm', norm: 'layernorm', mlp: 'gelu', bias: true, finalNorm: true,
		title: 'Pre-LN (GPT-2)',
		description: 'h = x + Attn(LN1(x)); out = h + FFN(LN2(h)); final LayerNorm after the last block. GELU FFN.'
	},
	'post-ln': {
		id: 'post-ln', family: 'post-norm', norm: 'layernorm', mlp: 'gelu', bias: true, finalNorm: false,
		title: 'Post-LN (Transformer 2017, BERT)',
		description: 'h = LN1(x + Attn(x)); out = LN2(h + FFN(h)); no final norm (the last LN2 is the last norm). GELU FFN.'
	},
	'pre-rms-swiglu': {
		id: 'pre-rms-swiglu', family: 'pre-norm', norm: 'rmsnorm', mlp: 'swiglu', bias: false, finalNorm: true,
		title: 'Pre-RMSNorm + SwiGLU (LLaMA-like)',
		description: 'h = x + Attn(RMS1(x)); out = h + W2(SiLU(W1 RMS2(h)) * W3 RMS2(h)); final RMSNorm; no biases.'
	},
	parallel: {
		id: 'parallel', family: 'parallel', norm: 'layernorm', mlp: 'gelu', bias: true, finalNorm: true,
		title: 'Parallel block (GPT-J)',
		description: 'out = x + Attn(LN(x)) + FFN(LN(x)) with one shared LayerNorm per block; final LayerNorm. GELU FFN.'
	},
	deepnorm: {
		id: 'deepnorm', family: 'deepnorm', norm: 'layernorm', mlp: 'gelu', bias: true, finalNorm: false,
		title: 'DeepNorm (DeepNet)',
		description:
			'Post-LN with an up-weighted residual: x = LN(alpha * x + G(x)), alpha = (2N)^(1/4); value, output and FFN weights scaled by beta = (8N)^(-1/4).'
	},
	dyt: {
		id: 'dyt', family: 'dyt', norm: 'dyt', mlp: 'gelu', bias: true, finalNorm: true,
		title: 'Pre-norm with DyT (Transformers without Normalization)',
		description: 'Pre-norm block where every norm is DyT(x) = gamma * tanh(alpha * x) + beta, alpha init 0.5; final DyT.'
	}
};

export const DEEPNORM_ALPHA = Math.pow(2 * N_LAYERS, 1 / 4);
export const DEEPNORM_BETA = Math.pow(8 * N_LAYERS, -1 / 4);
export const DYT_ALPHA = 0.5;

/** Planted heads: one role per layer, in different layers, in every variant. */
export type HeadRole = 'previous-token' | 'first-token' | 'self';
export interface PlantedHead {
	layer: number;
	head: number;
	role: HeadRole;
}
export const PLANTED_HEADS: PlantedHead[] = [
	{ layer: 0, head: 1, role: 'previous-token' },
	{ layer: 1, head: 2, role: 'first-token' },
	{ layer: 2, head: 0, role: 'self' }
];

export function isZooId(s: string): s is ZooId {
	return (ZOO_IDS as readonly string[]).includes(s);
}
