// A KV-cache model's present.* outputs per head: which tensors hold a layer's keys and values (by
// their hook names), how their axes are laid out, which KV head a query head reads, and each
// position's vector norm. Pure: no DOM, no runes.
import { numericData, type CapturedTensor } from '$lib/tensor';
import type { Slice } from '$lib/viz/views';

export interface KvTensors {
	/** ONNX names of present.{i}.key / .value, or of one packed key_value tensor. */
	key: string | null;
	value: string | null;
	packed: string | null;
}

/** The layer's present.* tensors from the hook map (blocks.{i}.attn.hook_k / hook_v / hook_kv); null when it has none. */
export function kvTensorsOf(hookTensors: readonly (readonly [string, string])[] | undefined, layer: number): KvTensors | null {
	const by = new Map(hookTensors ?? []);
	const at = (k: string) => by.get(`blocks.${layer}.attn.${k}`) ?? null;
	const out = { key: at('hook_k'), value: at('hook_v'), packed: at('hook_kv') };
	return out.key || out.value || out.packed ? out : null;
}

export interface KvLayout {
	heads: number;
	/** Positions held: past + this run's. */
	seq: number;
	dHead: number;
	/** The 2-D slice (S, d_head) of one head; `part` picks keys (0) or values (1) of a packed tensor. */
	slice(head: number, part: 0 | 1): Slice;
}

/**
 * How a present tensor's axes are laid out: [B, H_kv, S, d_head] (Optimum, onnxruntime-genai), or
 * past.{i}-style packed [2, B, H_kv, S, d_head]. Anything else is named, not guessed.
 */
export function kvLayout(dims: readonly number[], packed: boolean): KvLayout | string {
	if (!packed && dims.length === 4) {
		const [, heads, seq, dHead] = dims;
		return { heads, seq, dHead, slice: (h: number) => ({ rowAxis: 2, colAxis: 3, fixed: [0, h, 0, 0] }) };
	}
	if (packed && dims.length === 5 && dims[0] === 2) {
		const [, , heads, seq, dHead] = dims;
		return { heads, seq, dHead, slice: (h: number, part: 0 | 1) => ({ rowAxis: 3, colAxis: 4, fixed: [part, 0, h, 0, 0] }) };
	}
	return `a ${packed ? 'packed key/value' : 'cache'} tensor of shape [${dims.join(', ')}] is not laid out as [batch, heads, positions, head size]: open it in the tensor panel`;
}

/** The KV head query head `q` reads: grouped-query attention shares one among H / H_kv query heads. */
export function kvHeadFor(q: number, queryHeads: number | null, kvHeads: number): number {
	const group = queryHeads && queryHeads >= kvHeads ? Math.round(queryHeads / kvHeads) : 1;
	return Math.min(kvHeads - 1, Math.max(0, Math.floor(q / group)));
}

/** ||x_s|| over d_head for every position of one head (batch 0): (S). */
export function positionNorms(t: CapturedTensor, layout: KvLayout, head: number, part: 0 | 1 = 0): Float64Array {
	const x = numericData(t);
	const s = layout.slice(head, part);
	// Row-major strides: the first element of (row 0, col 0) at the fixed indices.
	const strides = t.dims.map((_, k) => t.dims.slice(k + 1).reduce((a, b) => a * b, 1));
	const base = s.fixed.reduce((acc, v, k) => (k === s.rowAxis || k === s.colAxis ? acc : acc + v * strides[k]), 0);
	const out = new Float64Array(layout.seq);
	for (let p = 0; p < layout.seq; p++) {
		let sum = 0;
		for (let d = 0; d < layout.dHead; d++) {
			const v = x[base + p * strides[s.rowAxis] + d * strides[s.colAxis]];
			sum += v * v;
		}
		out[p] = Math.sqrt(sum);
	}
	return out;
}
