// The attention pattern at a layer and head, from a run's structure and tensors: which tensor, its
// scores (for the mask), the head count, and the matrix drawn. The page and each side of the
// compare view use it alike.
import type { AttentionRef, StructureInfo } from '$lib/worker/protocol';
import type { CapturedTensor, TensorStore } from '$lib/tensor';
import { attentionView, headCount, type AttentionView } from '$lib/viz/views';

/** Captured tensors by ONNX name (a TensorStore). */
export type TensorLookup = Pick<TensorStore, 'get'>;

export interface AttentionAt {
	attn: AttentionRef | null;
	/** (B, H, S, S), or heads folded into the first axis. */
	pattern: CapturedTensor | null;
	scores: CapturedTensor | null;
	heads: number;
	/** The head drawn: the one asked for, within the heads there are. */
	head: number;
	/** pattern[0, head] as a matrix (null: no pattern). */
	view: AttentionView | null;
}

export function attentionAt(s: Pick<StructureInfo, 'attention'> | null, byName: TensorLookup, layer: number, head: number): AttentionAt {
	const attn = s?.attention.find((a) => a.layer === layer) ?? null;
	const pattern = (attn && byName.get(attn.tensor)) ?? null;
	const scores = (attn?.scores ? byName.get(attn.scores) : null) ?? null;
	// Summary capture holds one head of the layer ([1, 1, S, S], `onlyHead`): another head is not drawn until it is fetched.
	const only = attn?.onlyHead;
	const heads = pattern ? (only !== undefined ? (attn?.heads ?? 1) : headCount(pattern.dims)) : 0;
	const h = Math.min(head, Math.max(0, heads - 1));
	const shown = only === undefined || only === h;
	const view = pattern && heads && shown ? attentionView(pattern, only === undefined ? h : 0, scores, attn?.masked ?? null) : null;
	return { attn, pattern, scores, heads, head: h, view };
}
