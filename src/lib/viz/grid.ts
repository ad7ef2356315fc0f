// The one coordinate system of a heatmap: the cell grid's box in CSS pixels. The canvas, the SVG
// axes and the HTML readout all place themselves with these functions, so they cannot drift apart.
import { scaleBand, type ScaleBand } from 'd3-scale';

export interface GridBox {
	width: number; // CSS px of the cell grid
	height: number;
	rows: number;
	cols: number;
}

export interface Cell {
	row: number;
	col: number;
}

/** The cell under a point given relative to the grid's top-left corner; null outside the grid. */
export function cellAt(x: number, y: number, box: GridBox): Cell | null {
	if (!(x >= 0 && y >= 0 && x < box.width && y < box.height)) return null;
	const col = Math.min(box.cols - 1, Math.floor((x * box.cols) / box.width));
	const row = Math.min(box.rows - 1, Math.floor((y * box.rows) / box.height));
	return { row, col };
}

/** Centre of cell (row, col) relative to the grid's top-left corner. */
export function cellCenter(row: number, col: number, box: GridBox): { x: number; y: number } {
	return { x: ((col + 0.5) * box.width) / box.cols, y: ((row + 0.5) * box.height) / box.rows };
}

/**
 * Band scales over positions (not labels: token labels repeat, a band domain must not).
 * Padding 0 so band i covers exactly [i * w / n, (i + 1) * w / n), the same cells as cellAt.
 */
export function gridScales(box: GridBox): { x: ScaleBand<number>; y: ScaleBand<number> } {
	const x = scaleBand<number>().domain(range(box.cols)).range([0, box.width]).padding(0);
	const y = scaleBand<number>().domain(range(box.rows)).range([0, box.height]).padding(0);
	return { x, y };
}

/** Which positions get a tick label: every k-th so labels are at least minPx apart. */
export function tickPositions(n: number, lengthPx: number, minPx = 12): number[] {
	if (n <= 0) return [];
	const per = lengthPx / n;
	const step = per >= minPx ? 1 : niceStep(Math.ceil(minPx / per));
	const out: number[] = [];
	for (let i = 0; i < n; i += step) out.push(i);
	return out;
}

/** Round a step up to 1, 2, 5, 10, 20, 50... so thinned tick positions are easy to read. */
function niceStep(k: number): number {
	for (let p = 1; ; p *= 10) for (const m of [1, 2, 5]) if (m * p >= k) return m * p;
}

function range(n: number): number[] {
	return Array.from({ length: n }, (_, i) => i);
}

/**
 * Square cells that fit in the available space (rows x cols grid), never below `minCell` px per
 * cell (default 1; the page passes less so 1024 tokens still fit its column, drawn downsampled).
 */
export function fitGrid(rows: number, cols: number, maxWidth: number, maxHeight: number, minCell = 1): GridBox {
	const cell = Math.max(minCell, Math.min(maxWidth / cols, maxHeight / rows));
	// Whole CSS pixels keep the grid's bounding box exactly where tests and hover expect it.
	const size = (n: number) => Math.max(Math.min(n, 1), Math.floor(cell * n));
	return { rows, cols, width: size(cols), height: size(rows) };
}

/**
 * Cells that fill the width, for arbitrary tensors (a [22 x 768] slice would be a sliver with
 * square cells): rows as tall as a column is wide, or up to `rowPx` taller, within maxHeight.
 */
export function fitRect(rows: number, cols: number, maxWidth: number, maxHeight: number, rowPx = 14): GridBox {
	const cw = maxWidth / cols;
	const ch = Math.min(maxHeight / rows, Math.max(cw, rowPx));
	const w = Math.max(1, Math.floor(cw * cols));
	const h = Math.max(1, Math.floor(ch * rows));
	return { rows, cols, width: w, height: h };
}
