// The heatmaps' keyboard cell cursor: what a key asks for, from the cursor's cell. Arrows move it
// (Shift: ten steps), Enter or Space picks the cell, and, where the heatmap has them, Home/End go
// to the row's first/last column and + / - zoom. The same for every heatmap, so the keys agree.
import type { Cell } from './grid.js';

export type CellKeyAction =
	{ kind: 'move'; cell: Cell } | { kind: 'pick'; cell: Cell } | { kind: 'zoomin'; cell: Cell } | { kind: 'zoomout' };

export interface CellKeyOptions {
	/** The cursor stays within rows x cols. */
	rows: number;
	cols: number;
	/** Cells one arrow press moves (default 1). */
	step?: number;
	/** Home/End: the row's first/last column. */
	homeEnd?: boolean;
	/** + (or =) zooms in at the cursor. */
	zoomIn?: boolean;
	/** - zooms out. */
	zoomOut?: boolean;
}

type Key = Pick<KeyboardEvent, 'key' | 'shiftKey' | 'altKey' | 'ctrlKey' | 'metaKey'>;

const ARROWS: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };

const clamp = (v: number, n: number) => Math.max(0, Math.min(n - 1, v));

/** The action of a key pressed with the cursor on `from` (null: not a key of the heatmap's). */
export function cellKey(e: Key, from: Cell, o: CellKeyOptions): CellKeyAction | null {
	if (e.altKey || e.ctrlKey || e.metaKey) return null;
	const d = ARROWS[e.key];
	if (d) {
		const n = (o.step ?? 1) * (e.shiftKey ? 10 : 1);
		return { kind: 'move', cell: { row: clamp(from.row + d[0] * n, o.rows), col: clamp(from.col + d[1] * n, o.cols) } };
	}
	if (o.homeEnd && (e.key === 'Home' || e.key === 'End'))
		return { kind: 'move', cell: { row: from.row, col: e.key === 'Home' ? 0 : o.cols - 1 } };
	if (e.key === 'Enter' || e.key === ' ') return { kind: 'pick', cell: { row: clamp(from.row, o.rows), col: clamp(from.col, o.cols) } };
	if (o.zoomIn && (e.key === '+' || e.key === '=')) return { kind: 'zoomin', cell: from };
	if (o.zoomOut && e.key === '-') return { kind: 'zoomout' };
	return null;
}
