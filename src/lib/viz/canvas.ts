// The canvas layer: cell pixels (one per cell) blitted to the grid box at device resolution with
// smoothing off, so cells stay crisp squares at any zoom. Below one device pixel per cell (long
// sequences in a small box) smoothing goes on: averaged cells beat dropped ones.
import type { GridBox } from './grid.js';

export function drawCells(canvas: HTMLCanvasElement, pixels: Uint8ClampedArray, box: GridBox, dpr = 1): void {
	const w = Math.round(box.width * dpr);
	const h = Math.round(box.height * dpr);
	if (canvas.width !== w) canvas.width = w;
	if (canvas.height !== h) canvas.height = h;
	canvas.style.width = `${box.width}px`;
	canvas.style.height = `${box.height}px`;
	const src = document.createElement('canvas');
	src.width = box.cols;
	src.height = box.rows;
	const sctx = src.getContext('2d');
	const ctx = canvas.getContext('2d');
	if (!sctx || !ctx) throw new Error('Canvas 2D is not available in this browser.');
	const image = new ImageData(box.cols, box.rows);
	image.data.set(pixels.subarray(0, box.rows * box.cols * 4));
	sctx.putImageData(image, 0, 0);
	const shrink = w < box.cols || h < box.rows;
	ctx.imageSmoothingEnabled = shrink;
	if (shrink) ctx.imageSmoothingQuality = 'high';
	ctx.clearRect(0, 0, w, h);
	ctx.drawImage(src, 0, 0, w, h);
}
