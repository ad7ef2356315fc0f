// The shapes recognition produces. Tensor names are ONNX tensor names unless a field says otherwise.

export type NormKind = 'layernorm' | 'rmsnorm' | 'dyt';
export type NormForm = 'fused' | 'decomposed';
export type Placement = 'pre' | 'post';
export type Sublayer = 'attn' | 'mlp' | 'both';
export type BlockVariant = 'post-norm' | 'pre-norm' | 'parallel' | 'deepnorm' | 'dyt' | 'unknown';
export type ModelVariant = BlockVariant | 'mixed';
/** causal: fixed lower-triangular; padding: depends on a graph input; fixed: constant, pattern not verified. */
export type MaskKind = 'causal' | 'padding' | 'fixed';

export interface Note {
	what: string;
	why: string;
}

export interface NormInfo {
	kind: NormKind;
	form: NormForm;
	/** How it is spelled, e.g. "LayerNormalization" or "ReduceMean>Sub>Pow>ReduceMean>Add>Sqrt>Div>Mul>Add". */
	spelling: string;
	input: string; // the tensor normalized (leading Casts looked through)
	output: string; // the last tensor of the norm (a graph output's name where the norm produces one)
	last: string; // the tensor the norm's last node writes (differs from output behind an Identity)
	eps: number | null;
	gamma: string | null; // initializer names, Identity looked through
	beta: string | null;
	alpha: number | null; // DyT's alpha
	scale: string | null; // tensor holding sqrt(var + eps) (or sqrt(ms + eps)) where the graph has one
	nodes: number[]; // node indices that make up the norm
	/** The op type of a fused norm ('LayerNormalization', 'SkipLayerNormalization', ...); null when decomposed. */
	op?: string | null;
	overridden?: boolean;
}

export interface MaskInfo {
	op: 'Add' | 'Where' | 'Sub' | 'Mul';
	tensor: string; // the mask operand (or the Where condition)
	kinds: MaskKind[];
}

export interface AttentionInfo {
	pattern: string; // Softmax output
	scores: string; // Softmax input (scaled and masked scores)
	qk: string; // output of the MatMul of Q and K^T
	softmax: number; // node index
	heads: number | null;
	headsFrom: 'shape-info' | 'reshape' | 'width/head-dim' | 'override' | 'attribute' | null;
	/** 'BHSS': [B,H,S,S]; 'BH,S,S': heads folded into the batch axis, as torch's MHA exports it. */
	layout: 'BHSS' | 'BH,S,S' | null;
	masks: MaskInfo[];
	masked: boolean;
	scale: number | null; // product of the constant factors applied to the scores (Q/K pre-scaling included)
	rope: boolean; // Slice/Neg/Concat/Mul/Add rotation found on the Q or K path
	softcap: boolean; // Tanh on the scores path
	scoreNodes: number[]; // node indices between the QK MatMul and the softmax (masks, scale)
	/** The op that computes the pattern: 'Softmax', or a fused op ('Attention', 'GroupQueryAttention', ...). */
	op: string;
	/** The pattern is not a graph tensor: blockscope recomputes it from the fused op's inputs (src/lib/derive). */
	derived: boolean;
	kvHeads: number | null; // grouped-query attention's K/V head count; null when not grouped
	fused: FusedAttention | null;
	overridden?: boolean;
	layerOverride?: number;
}

/** A fused attention op, read by its published schema (ORT ContribOperators, ONNX Attention-23). */
export interface FusedAttention {
	node: number;
	domain: string;
	/** The op's inputs in schema order ('' where omitted), and its first output. */
	inputs: string[];
	output: string;
	/** The data input the op's scores are computed from (for topology: branch and block finding). */
	input: string;
	numHeads: number;
	kvHeads: number | null;
	scale: number | null; // the scale attribute; null: 1/sqrt(head_size)
	causal: boolean; // unidirectional / is_causal / always for GQA
	maskFilter: number; // value added where a raw mask says 0 (ORT's mask_filter_value)
	doRotary: boolean;
	rotaryInterleaved: boolean;
	softcap: number; // 0: none
	localWindow: number; // -1: none
}

/** A tensor blockscope computes after the run (not in the graph): a fused attention's pattern, a hidden stream sum or embedding sum. */
export interface DerivedTensor {
	name: string;
	kind: 'pattern' | 'skip-sum' | 'embed-sum';
	node: number; // the fused op it comes from
}

export interface ResidualInfo {
	node: number; // the Add's node index
	output: string;
	stream: string; // the Add's operand that carries the stream
	base: string; // the stream tensor itself (stream with a constant scale or Cast looked through)
	alpha: number | null; // DeepNorm: stream = base * alpha
	branch: string; // the Add's other operand
	/** The stream tensor the branch was computed from (base, or an earlier one in parallel blocks). */
	from: string;
	sublayer: Sublayer;
	attention: number | null; // index into Structure.attention of the attention in this branch
	attnPart: string | null; // for sublayer "both": the attention half of the branch sum
	mlpPart: string | null;
	/** 'Add', or the Skip*Normalization op whose sum (input + skip + bias) is the stream. */
	op?: string;
	/** The sum is not a graph output of the op: blockscope recomputes it from the same operands. */
	recomputed?: boolean;
	overridden?: boolean;
	layerOverride?: number;
}

export interface PlacedNorm extends NormInfo {
	placement: Placement;
	sublayer: Sublayer;
}

export interface Layer {
	index: number;
	attention: AttentionInfo | null;
	norms: PlacedNorm[]; // graph order
	residuals: ResidualInfo[]; // graph order
	variant: BlockVariant;
	reason: string | null; // why variant is "unknown" (or a caveat)
	alpha: number | null; // DeepNorm's alpha where all residuals of the block share it
	input: string | null; // resid_pre
	output: string | null; // resid_post (block output: after a post-norm where there is one)
	nameHint: number | null; // layer index the exporter's names suggest
}

export interface Structure {
	variant: ModelVariant;
	layers: Layer[];
	finalNorm: PlacedNorm | null;
	embedNorm: NormInfo | null; // a norm on the stream before the first block (BERT's embedding LN)
	/** Everything found, placed or not. */
	attention: AttentionInfo[];
	norms: NormInfo[];
	residuals: ResidualInfo[];
	/** onnx tensor name -> its primary TransformerLens-style hook name. */
	hooks: Map<string, string>;
	/** hook name -> onnx tensor name (every alias, e.g. blocks.1.hook_resid_pre for block 0's output). */
	hookTensors: Map<string, string>;
	/** Tensor names the "semantic" capture set exposes, graph order. */
	semantic: string[];
	/** Tensors computed after the run (fused attention patterns, hidden Skip* sums), graph order. */
	derived: DerivedTensor[];
	unrecognized: Note[];
	ambiguities: Note[];
}

/** What a user can tell the analysis when it cannot tell by itself (or tells wrong). */
export type Override =
	| { kind: 'attention'; pattern: string; layer?: number; heads?: number; masked?: boolean }
	| { kind: 'norm'; output: string; input?: string; normKind: NormKind; layer?: number; placement?: Placement; sublayer?: Sublayer }
	| { kind: 'residual'; output: string; stream?: string; layer?: number; sublayer?: Sublayer }
	/** "this tensor is not an attention pattern / norm / residual add". */
	| { kind: 'ignore'; tensor: string };
