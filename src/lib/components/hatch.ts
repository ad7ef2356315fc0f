// Diagonal hatching over masked cells, so a mask reads without telling colours apart. Runs of
// masked cells per row are drawn as one rect each; cells under 3 px get none (too small to read).
import { select } from 'd3-selection';
import { cellIndex, type MaskTest, type MatrixView } from '$lib/viz/paint';
import type { GridBox } from '$lib/viz/grid';

/** [row, first col, last col + 1] for each run of masked cells. */
export type Run = [number, number, number];

export function maskedRuns(m: MatrixView, isMasked: MaskTest, maxCells = 512 * 512): Run[] {
	if (m.rows * m.cols > maxCells) return [];
	const runs: Run[] = [];
	for (let r = 0; r < m.rows; r++) {
		let start = -1;
		for (let c = 0; c <= m.cols; c++) {
			const hit = c < m.cols && isMasked(m.data[cellIndex(m, r, c)], r, c);
			if (hit && start < 0) start = c;
			else if (!hit && start >= 0) {
				runs.push([r, start, c]);
				start = -1;
			}
		}
	}
	return runs;
}

const STROKE = 'rgba(110, 118, 129, 0.55)';

function pattern(ctx: CanvasRenderingContext2D, px: number): CanvasPattern | null {
	const tile = document.createElement('canvas');
	tile.width = tile.height = px;
	const t = tile.getContext('2d');
	if (!t) return null;
	t.strokeStyle = STROKE;
	t.lineWidth = Math.max(1, px / 6);
	t.beginPath();
	// One diagonal, continued across the tile's corners so the tiles join.
	t.moveTo(0, px);
	t.lineTo(px, 0);
	t.moveTo(-1, 1);
	t.lineTo(1, -1);
	t.moveTo(px - 1, px + 1);
	t.lineTo(px + 1, px - 1);
	t.stroke();
	return ctx.createPattern(tile, 'repeat');
}

export function drawHatch(canvas: HTMLCanvasElement, runs: readonly Run[], box: GridBox, dpr = 1): void {
	const w = Math.round(box.width * dpr);
	const h = Math.round(box.height * dpr);
	if (canvas.width !== w) canvas.width = w;
	if (canvas.height !== h) canvas.height = h;
	const ctx = canvas.getContext('2d');
	if (!ctx) return;
	ctx.clearRect(0, 0, w, h);
	const cw = w / box.cols;
	const ch = h / box.rows;
	if (!runs.length || Math.min(cw, ch) < 3 * dpr) return;
	const fill = pattern(ctx, Math.round(6 * dpr));
	if (!fill) return;
	ctx.fillStyle = fill;
	for (const [r, a, b] of runs)
		ctx.fillRect(
			Math.round(a * cw),
			Math.round(r * ch),
			Math.round(b * cw) - Math.round(a * cw),
			Math.round((r + 1) * ch) - Math.round(r * ch)
		);
}

/** The legend's "masked" swatch hatched the same way (drawn into the legend's SVG group). */
export function hatchSwatch(g: SVGGElement, size: number): void {
	const sw = select(g).select<SVGGElement>('.legend-masked');
	if (sw.empty()) return;
	sw.append('path')
		.attr('d', `M0,${size} L${size},0 M0,${size / 2} L${size / 2},0 M${size / 2},${size} L${size},${size / 2}`)
		.attr('stroke', STROKE)
		.attr('stroke-width', 1.2);
	sw.select('rect').attr('stroke', STROKE).attr('stroke-width', 0.5);
}
