// A heatmap's canvas in an exported figure: its cells read back one pixel per cell, then written
// as <rect>s (one per run of equal colour in a row) for small grids, else as one embedded PNG.
import { at, el, r2, XLINK_NS, type CellLayer, type Ctx } from './svg.js';

/** Heatmaps up to this many cells are written as vector rects; larger ones as an embedded image. */
export const RECT_CELLS = 128 * 128;
/** Reads back one pixel per cell (the centre of each cell as drawn); null when cells are under one device pixel. */
function cellPixels(canvas: HTMLCanvasElement, rows: number, cols: number): ImageData | null {
	if (!(rows > 0 && cols > 0) || canvas.width < cols || canvas.height < rows) return null;
	const c2 = canvas.getContext('2d');
	if (!c2) return null;
	const all = c2.getImageData(0, 0, canvas.width, canvas.height).data;
	const out = new ImageData(cols, rows);
	for (let r = 0; r < rows; r++) {
		const py = Math.min(canvas.height - 1, Math.floor(((r + 0.5) * canvas.height) / rows));
		for (let c = 0; c < cols; c++) {
			const px = Math.min(canvas.width - 1, Math.floor(((c + 0.5) * canvas.width) / cols));
			const s = (py * canvas.width + px) * 4;
			out.data.set(all.subarray(s, s + 4), (r * cols + c) * 4);
		}
	}
	return out;
}

function imageCanvas(img: ImageData): HTMLCanvasElement {
	const c = document.createElement('canvas');
	c.width = img.width;
	c.height = img.height;
	c.getContext('2d')!.putImageData(img, 0, 0);
	return c;
}

function hex(d: Uint8ClampedArray, i: number): string {
	return `#${((1 << 24) | (d[i] << 16) | (d[i + 1] << 8) | d[i + 2]).toString(16).slice(1)}`;
}

/** A heatmap's cells: rects (small grids) or one image, placed where the canvas sits. */
export function canvasLayer(canvas: HTMLCanvasElement, out: SVGGElement, ctx: Ctx): void {
	const r = canvas.getBoundingClientRect();
	if (r.width <= 0 || r.height <= 0 || canvas.width === 0 || canvas.height === 0) return;
	const rows = Number(canvas.dataset.rows) || null;
	const cols = Number(canvas.dataset.cols) || null;
	const px = rows && cols ? cellPixels(canvas, rows, cols) : null;
	const { x, y } = at(r, ctx);
	const layer: CellLayer = {
		x,
		y,
		width: r2(r.width),
		height: r2(r.height),
		source: px ? imageCanvas(px) : canvas,
		smooth: !px && canvas.width < r.width,
		rows,
		cols
	};
	ctx.cells.push(layer);
	if (ctx.mode === 'none') return;
	if (px && rows && cols && rows * cols <= ctx.rectCells) {
		const g = out.appendChild(
			el('g', {
				class: 'cells',
				'data-rows': rows,
				'data-cols': cols,
				transform: `translate(${x}, ${y}) scale(${r2(r.width / cols)}, ${r2(r.height / rows)})`,
				'shape-rendering': 'crispEdges'
			})
		);
		const d = px.data;
		for (let row = 0; row < rows; row++) {
			for (let c = 0; c < cols;) {
				const i = (row * cols + c) * 4;
				let run = 1;
				while (c + run < cols && d.subarray(i, i + 4).every((v, k) => d[i + run * 4 + k] === v)) run++;
				if (d[i + 3] > 0) {
					const rect = g.appendChild(el('rect', { x: c, y: row, width: run, height: 1, fill: hex(d, i) }));
					if (d[i + 3] < 255) rect.setAttribute('fill-opacity', String(r2(d[i + 3] / 255)));
				}
				c += run;
			}
		}
		return;
	}
	const image = el('image', { class: 'cells', x, y, width: layer.width, height: layer.height, preserveAspectRatio: 'none' });
	if (!layer.smooth) image.setAttribute('style', 'image-rendering: pixelated');
	if (rows && cols) {
		image.setAttribute('data-rows', String(rows));
		image.setAttribute('data-cols', String(cols));
	}
	const url = layer.source.toDataURL('image/png');
	image.setAttribute('href', url);
	image.setAttributeNS(XLINK_NS, 'xlink:href', url);
	out.appendChild(image);
}
