// Spellings: the same math written with different ONNX ops, the way different exporters write it.
// The committed models use DEFAULT_SPELLING; tests build the others on the fly.

export interface Spelling {
	/** fused: LayerNormalization (opset 17) / RMSNormalization (opset 23); decomposed: opset-13 primitives. */
	norm: 'fused' | 'decomposed';
	/** How a decomposed RMSNorm spells 1/rms: Sqrt+Div, Pow(-0.5)+Mul, or Sqrt+Reciprocal+Mul. */
	rms: 'div' | 'pow' | 'reciprocal';
	/** bhss: Softmax on [B, H, S, S]; folded: heads folded into the batch, Softmax on [B*H, S, S]. */
	softmax: 'bhss' | 'folded';
	/**
	 * after: Div(Q K^T, sqrt(d_head)); before: Q and K each multiplied by d_head^(-1/4) before the
	 * MatMul, as exports of scaled_dot_product_attention write it (no separate "qk" tensor then).
	 */
	scale: 'after' | 'before';
	/** where: Where(mask, scores, -inf); add-large: scores + (0 | -1e9); add-inf: scores + (0 | -inf). */
	mask: 'where' | 'add-large' | 'add-inf';
	/** op: Gelu (opset 20); erf: x * 0.5 * (1 + Erf(x / sqrt 2)); tanh: the Mul/Pow/Add/Tanh approximation. */
	gelu: 'op' | 'erf' | 'tanh';
	/**
	 * plain: readable names, weights fed directly. torch: PyTorch-exporter names
	 * ("/h.0/attn/Softmax_output_0"), weights reach MatMul through Identity nodes, and the last
	 * norm's output is also a graph output ("last_hidden_state").
	 */
	names: 'plain' | 'torch';
}

export const DEFAULT_SPELLING: Spelling = {
	norm: 'fused',
	rms: 'div',
	softmax: 'bhss',
	scale: 'after',
	mask: 'where',
	gelu: 'op',
	names: 'plain'
};

export function spellingOf(partial?: Partial<Spelling>): Spelling {
	return { ...DEFAULT_SPELLING, ...(partial ?? {}) };
}

/** A short stable label ("default", "norm=decomposed,gelu=erf") for test names and file names. */
export function spellingLabel(partial?: Partial<Spelling>): string {
	const s = spellingOf(partial);
	const diff = (Object.keys(DEFAULT_SPELLING) as (keyof Spelling)[]).filter((k) => s[k] !== DEFAULT_SPELLING[k]).map((k) => `${k}=${s[k]}`);
	return diff.length ? diff.join(',') : 'default';
}

/**
 * The spellings the tests sweep for every variant: each option value at least once, plus the
 * all-primitive opset-13 spelling. Options that do not apply (rms forms on a LayerNorm model,
 * gelu forms on SwiGLU) still build; they are simply the same graph.
 */
export const SPELLINGS: Partial<Spelling>[] = [
	{},
	{ norm: 'decomposed', rms: 'div', gelu: 'erf' },
	{ norm: 'decomposed', rms: 'pow', softmax: 'folded', mask: 'add-large' },
	{ norm: 'decomposed', rms: 'reciprocal', mask: 'add-inf', gelu: 'tanh' },
	{ softmax: 'folded', gelu: 'tanh', scale: 'before' },
	{ names: 'torch', mask: 'add-large', gelu: 'erf' }
];
