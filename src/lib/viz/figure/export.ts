// A figure on the page (a heatmap or chart: its SVG layers, its canvas cells, its HTML title and
// legend) as one standalone SVG or PNG, with a caption line under it.
//
//   SVG  axes, legend and text as vector (each SVG layer cloned with its computed styles inlined, so
//        the file looks the same outside the page); heatmap cells as <rect>s, one per run of equal
//        colour in a row, up to RECT_CELLS cells, else as one embedded PNG of one pixel per cell.
//   PNG  the same SVG (cells left out) rasterized at 1x or 2x, then the cells drawn over it without
//        smoothing, so they stay crisp squares; the caption also goes in as PNG text metadata.
//
// figure.ts builds the SVG document, dom.ts redraws the page's DOM in it, cells.ts the heatmap cells.
import { captionText, type Caption } from './file.js';
import { figure } from './figure.js';
import { withPngText } from '../../formats/index.js';

/** The figure as an SVG file. */
export function figureSvg(root: HTMLElement, caption: Caption): Blob {
	return new Blob([figure(root, { caption, cells: 'vector' }).svg], { type: 'image/svg+xml' });
}

/** The figure as a PNG at `scale` x its size on the page (1 or 2): exactly round(width * scale) by round(height * scale) pixels. */
export async function figurePng(root: HTMLElement, caption: Caption, scale: number): Promise<Blob> {
	const f = figure(root, { caption, cells: 'none', scale });
	const w = Math.round(f.width * scale);
	const h = Math.round(f.height * scale);
	const url = URL.createObjectURL(new Blob([f.svg], { type: 'image/svg+xml' }));
	try {
		const img = new Image(w, h);
		img.src = url;
		await img.decode();
		const canvas = document.createElement('canvas');
		canvas.width = w;
		canvas.height = h;
		const c2 = canvas.getContext('2d');
		if (!c2) throw new Error('Canvas 2D is not available in this browser.');
		c2.drawImage(img, 0, 0, w, h);
		for (const l of f.cells) {
			c2.imageSmoothingEnabled = l.smooth;
			if (l.smooth) c2.imageSmoothingQuality = 'high';
			c2.drawImage(l.source, l.x * scale, l.y * scale, l.width * scale, l.height * scale);
		}
		const blob = await new Promise<Blob | null>((res) => canvas.toBlob(res, 'image/png'));
		if (!blob) throw new Error('The browser could not encode the PNG.');
		const bytes = withPngText(new Uint8Array(await blob.arrayBuffer()), { Title: captionText(caption), Software: 'blockscope' });
		return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' });
	} finally {
		URL.revokeObjectURL(url);
	}
}
