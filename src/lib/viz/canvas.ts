// The canvas layer: cell pixels (one per cell) blitted to the grid box at device resolution with
// smoothing off, so cells stay crisp squares at any zoom. Below one device pixel per cell (long
// sequences in a small box) smoothing goes on: averaged cells beat dropped ones.
import type { GridBox } from './grid.js';

/** Per drawn canvas: the cells' ImageData and the small canvas it is put on, kept between draws. */
interface Cells {
	image: ImageData;
	src: HTMLCanvasElement;
}
const kept = new WeakMap<HTMLCanvasElement, Cells>();

function cellsOf(canvas: HTMLCanvasElement, rows: number, cols: number): Cells {
	let k = kept.get(canvas);
	if (!k || k.image.width !== cols || k.image.height !== rows) {
		const src = k?.src ?? document.createElement('canvas');
		src.width = cols;
		src.height = rows;
		k = { image: new ImageData(cols, rows), src };
		kept.set(canvas, k);
	}
	return k;
}

/**
 * The pixel buffer of a canvas's cells (rows x cols RGBA), kept between draws: paint into it and
 * pass it to drawCells, which then puts it as it is (no allocation, no 4 MiB copy at 1024 x 1024).
 */
export function cellBuffer(canvas: HTMLCanvasElement, rows: number, cols: number): Uint8ClampedArray {
	return cellsOf(canvas, rows, cols).image.data;
}

export function drawCells(canvas: HTMLCanvasElement, pixels: Uint8ClampedArray, box: GridBox, dpr = 1): void {
	const w = Math.round(box.width * dpr);
	const h = Math.round(box.height * dpr);
	if (canvas.width !== w) canvas.width = w;
	if (canvas.height !== h) canvas.height = h;
	canvas.style.width = `${box.width}px`;
	canvas.style.height = `${box.height}px`;
	const { image, src } = cellsOf(canvas, box.rows, box.cols);
	if (pixels !== image.data) image.data.set(pixels.subarray(0, box.rows * box.cols * 4));
	const sctx = src.getContext('2d');
	const ctx = canvas.getContext('2d');
	if (!sctx || !ctx) throw new Error('Canvas 2D is not available in this browser.');
	sctx.putImageData(image, 0, 0);
	const shrink = w < box.cols || h < box.rows;
	ctx.imageSmoothingEnabled = shrink;
	if (shrink) ctx.imageSmoothingQuality = 'high';
	ctx.clearRect(0, 0, w, h);
	ctx.drawImage(src, 0, 0, w, h);
}
