// The readout of the one cell the page points at (pinned, else hovered): an attention cell of the
// head shown, or a cell of the tensor panel's slice. Null when the cell is not on what is shown.
import { attentionReadout, tensorReadout, type Readout } from '$lib/viz/readout';
import { describeSlice, tensorView, type Slice } from '$lib/viz/views';
import type { CapturedTensor } from '$lib/tensor/store';
import { longPattern, type AttentionAt } from '$lib/features/attention';
import { isLongPattern } from '$lib/viz/overview';
import type { LongCapture } from '$lib/worker/protocol';
import { tokenRows } from '$lib/features/tensors';
import type { CellRef } from './selection.svelte';

export interface ReadoutSource {
	cell: CellRef | null;
	layer: number;
	head: number;
	attention: AttentionAt;
	tensor: CapturedTensor | null;
	slice: Slice | null;
	tokens: readonly string[] | null;
	/** Summary capture's result (long inputs): the readout's entropy and argmax come from its row summaries. */
	long?: LongCapture | null;
}

export function cellReadout(s: ReadoutSource): Readout | null {
	const c = s.cell;
	if (!c) return null;
	if (c.source === 'attention') {
		const av = s.attention.view;
		if (!av || s.head >= s.attention.heads) return null;
		if (c.row >= av.view.rows || c.col >= av.view.cols) return null;
		return attentionReadout(av.view, c.row, c.col, {
			layer: s.layer,
			head: s.head,
			tokens: s.tokens,
			isMasked: av.isMasked,
			text: av.text,
			// Long patterns, or any under summary capture: entropy, argmax and sink from the row summaries.
			rows: isLongPattern(av.view.rows, av.view.cols) || s.long ? (longPattern(s.attention, s.layer, s.long)?.rows ?? null) : null
		});
	}
	const t = s.tensor;
	if (!t || !s.slice) return null;
	const tv = tensorView(t, s.slice);
	if (c.row >= tv.view.rows || c.col >= tv.view.cols) return null;
	const rowLabels = tokenRows(t.dims, s.slice, s.tokens);
	return tensorReadout(tv.view, c.row, c.col, { name: t.name, where: describeSlice(t.dims, s.slice), rowLabels, text: tv.text });
}
