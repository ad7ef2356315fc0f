// What the user points at: the layer and head shown, the tensor in the tensor panel (and its 2-D
// slice), the hovered cell and the pinned one. Kept valid against what the model has by `clamp`.
import { validSlice, type Slice } from '$lib/viz/views';

export type CellSource = 'attention' | 'tensor';
export interface CellRef {
	source: CellSource;
	row: number;
	col: number;
}

/** What the open model has, for keeping a selection valid. */
export interface Bounds {
	layers: number;
	heads: number;
	/** The dims of a captured tensor (null: no such tensor). */
	dims: (name: string) => readonly number[] | null;
	/** The attention pattern shown (null: none). */
	pattern: readonly number[] | null;
}

const same = (a: CellRef | null, b: CellRef | null) =>
	a === b || (!!a && !!b && a.source === b.source && a.row === b.row && a.col === b.col);

export class Selection {
	layer = $state(0);
	head = $state(0);
	/** The tensor panel's tensor (ONNX name). */
	selected = $state<string | null>(null);
	slice = $state.raw<Slice | null>(null);
	hover = $state.raw<CellRef | null>(null);
	pin = $state.raw<CellRef | null>(null);
	/** What the readout shows: the pinned cell, else the hovered one. */
	readonly cell = $derived(this.pin ?? this.hover);

	setHead(h: number, heads: number): void {
		if (heads) this.head = Math.min(Math.max(0, h), heads - 1);
	}

	/** `dims`: the tensor's (null: none by that name). */
	select(name: string | null, dims: readonly number[] | null): void {
		if (this.pin?.source === 'tensor' && name !== this.selected) this.pin = null;
		this.selected = name;
		this.slice = name && dims ? validSlice(this.slice, dims) : null;
	}

	setSlice(s: Slice, dims: readonly number[]): void {
		this.slice = validSlice(s, dims);
	}

	/** The pointer over a heatmap of `source` (null: it left; a cell of the other heatmap stays). */
	hoverAt(source: CellSource, c: { row: number; col: number } | null): void {
		const next = c ? { source, ...c } : this.hover?.source === source ? null : this.hover;
		if (!same(this.hover, next)) this.hover = next;
	}

	togglePin(c: CellRef): void {
		this.pin = same(this.pin, c) ? null : c;
	}

	unpin(): void {
		this.pin = null;
	}

	/** Another model: nothing of the old one's tensors stays selected. */
	clearTensor(): void {
		this.selected = null;
		this.slice = null;
	}

	/** Drops or clamps what the open model does not have. */
	clamp(b: Bounds): void {
		this.layer = Math.min(this.layer, Math.max(0, b.layers - 1));
		this.head = this.head < b.heads ? this.head : 0;
		const dims = this.selected ? b.dims(this.selected) : null;
		if (!dims) this.selected = null;
		if (dims) this.slice = validSlice(this.slice, dims);
		const c = this.pin;
		if (c?.source === 'attention' && b.pattern) {
			const d = b.pattern;
			if (c.row >= d[d.length - 2] || c.col >= d[d.length - 1]) this.pin = null;
		}
		if (c?.source === 'tensor' && !dims) this.pin = null;
	}
}
