// A figure on the page (a heatmap or chart: its SVG layers, its canvas cells, its HTML title and
// legend) as one standalone SVG document, with a caption line (model, layer, head, backend, input)
// under it.
import { captionLines, captionParts, captionText, type Caption } from './file.js';
import { walk } from './dom.js';
import { backgroundOf, el, PAD, r2, SVG_NS, XLINK_NS, type CellLayer, type Ctx } from './svg.js';
import { RECT_CELLS } from './cells.js';

const CAPTION_FONT = 11;
const CAPTION_LINE = 15;
/** Approximate advance of one caption character at CAPTION_FONT. */
const CAPTION_CHAR = 6.3;

export interface Figure {
	svg: string;
	width: number;
	height: number;
	cells: CellLayer[];
}

export interface FigureOptions {
	caption: Caption;
	/** 'vector': cells in the SVG (rects or an embedded image); 'none': left out (the PNG path draws them). */
	cells?: 'vector' | 'none';
	/** Pixel size multiplier written as the SVG's width/height (the viewBox stays at 1x). */
	scale?: number;
	/** Cells up to this count go out as rects. */
	rectCells?: number;
}

/** The figure as SVG text, plus the canvas layers the PNG path draws itself. */
export function figure(root: HTMLElement, opts: FigureOptions): Figure {
	const origin = root.getBoundingClientRect();
	const scale = opts.scale ?? 1;
	const width = Math.ceil(origin.width) + 2 * PAD;
	const parts = captionParts(opts.caption);
	const lines = captionLines(parts, (width - 2 * PAD) / CAPTION_CHAR);
	const plotH = Math.ceil(origin.height) + 2 * PAD;
	const height = plotH + lines.length * CAPTION_LINE + 4;
	const ctx: Ctx = { origin, cells: [], mode: opts.cells ?? 'vector', rectCells: opts.rectCells ?? RECT_CELLS };

	const svg = el('svg', { width: r2(width * scale), height: r2(height * scale), viewBox: `0 0 ${width} ${height}` });
	svg.setAttribute('xmlns', SVG_NS);
	svg.setAttribute('xmlns:xlink', XLINK_NS);
	const text = captionText(opts.caption);
	svg.appendChild(el('title')).textContent = text;
	svg.appendChild(el('desc')).textContent = `${text} · exported from blockscope`;
	svg.appendChild(el('rect', { class: 'background', width, height, fill: backgroundOf(root) }));
	const body = svg.appendChild(el('g', { class: 'figure' }));
	walk(root, body, ctx);

	const cap = svg.appendChild(el('g', { class: 'caption', 'data-testid': 'export-caption' }));
	const color = getComputedStyle(root).color;
	lines.forEach((line, i) => {
		const t = cap.appendChild(
			el('text', {
				x: PAD,
				y: plotH + i * CAPTION_LINE + CAPTION_FONT,
				'font-size': CAPTION_FONT,
				'font-family': 'system-ui, sans-serif',
				fill: color,
				'fill-opacity': 0.75
			})
		);
		t.textContent = line;
	});
	return { svg: new XMLSerializer().serializeToString(svg), width, height, cells: ctx.cells };
}
