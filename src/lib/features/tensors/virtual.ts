// Fixed-height list virtualization: which rows to render for a scroll position, so a list of
// 10,000 tensors costs as much as the ~15 rows on screen.

export interface Window {
	start: number; // first row rendered
	end: number; // one past the last
	/** px above the first rendered row (its offset in the full list). */
	offset: number;
	/** px of the whole list. */
	total: number;
}

export function visibleRange(scrollTop: number, viewport: number, rowHeight: number, count: number, overscan = 4): Window {
	const total = count * rowHeight;
	if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0, offset: 0, total: 0 };
	const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
	const start = Math.max(0, Math.min(count - 1, first) - overscan);
	const end = Math.min(count, first + Math.ceil(Math.max(viewport, rowHeight) / rowHeight) + 1 + overscan);
	return { start, end, offset: start * rowHeight, total };
}

/** scrollTop that brings row i into view (unchanged when it already is). */
export function scrollToRow(i: number, scrollTop: number, viewport: number, rowHeight: number): number {
	const top = i * rowHeight;
	if (top < scrollTop) return top;
	if (top + rowHeight > scrollTop + viewport) return top + rowHeight - viewport;
	return scrollTop;
}
