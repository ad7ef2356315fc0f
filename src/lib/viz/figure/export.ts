// A figure on the page (a heatmap or chart: its SVG layers, its canvas cells, its HTML title and
// legend) as one standalone SVG or PNG, with a caption line under it.
//
//   SVG  axes, legend and text as vector (each SVG layer cloned with its computed styles inlined, so
//        the file looks the same outside the page); heatmap cells as <rect>s, one per run of equal
//        colour in a row, up to RECT_CELLS cells, else as one embedded PNG of one pixel per cell.
//   PNG  the same SVG (cells left out) rasterized at 1x or 2x, then the cells drawn over it without
//        smoothing, so they stay crisp squares; the caption also goes in as PNG text metadata.
//
// HTML text and boxes (titles, legend swatches) are redrawn as SVG text and rects from their
// layout; controls (the export menu, selects, inputs) and pointer overlays (crosshair, tooltips)
// are left out. Model strings only ever go in through textContent / setAttribute (XML-escaped by
// the serializer), never as markup.
import { captionLines, captionParts, captionText, type Caption } from './file.js';
import { withPngText } from '../../formats/index.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const XLINK_NS = 'http://www.w3.org/1999/xlink';
/** Padding around the figure (CSS px). */
const PAD = 8;
const CAPTION_FONT = 11;
const CAPTION_LINE = 15;
/** Approximate advance of one caption character at CAPTION_FONT. */
const CAPTION_CHAR = 6.3;
/** Heatmaps up to this many cells are written as vector rects; larger ones as an embedded image. */
export const RECT_CELLS = 128 * 128;
/** What an export never shows: its own menu, form controls, pointer overlays. */
const SKIP = '[data-export="skip"], details, summary, select, input, textarea, [data-testid="chart-area"], .cross, .band';
/** Computed properties copied onto each cloned SVG element. */
const SVG_PROPS = [
	'fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-dasharray', 'stroke-linecap', 'stroke-linejoin',
	'opacity', 'font-family', 'font-size', 'font-weight', 'font-style', 'text-anchor', 'dominant-baseline', 'shape-rendering',
	'stop-color', 'stop-opacity', 'paint-order'
];
/** The longest text taken from one HTML text node (a 100k-character name stays a file of sane size). */
const MAX_TEXT = 400;

export interface CellLayer {
	/** Position and size in figure coordinates (CSS px, padding included). */
	x: number;
	y: number;
	width: number;
	height: number;
	/** One pixel per cell where that could be read back, else the canvas as drawn. */
	source: HTMLCanvasElement;
	/** Smooth when scaling (a canvas already downsampled); off for one pixel per cell. */
	smooth: boolean;
	rows: number | null;
	cols: number | null;
}

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

interface Ctx {
	origin: DOMRect;
	cells: CellLayer[];
	mode: 'vector' | 'none';
	rectCells: number;
}

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
	const e = document.createElementNS(SVG_NS, name);
	for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
	return e;
}

const r2 = (x: number) => Math.round(x * 100) / 100;

function rgba(css: string): [number, number, number, number] | null {
	const m = /rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)/.exec(css);
	if (!m) return null;
	const a = m[4] === undefined ? 1 : m[4].endsWith('%') ? Number(m[4].slice(0, -1)) / 100 : Number(m[4]);
	return [Number(m[1]), Number(m[2]), Number(m[3]), a];
}

function visibleColor(css: string): boolean {
	const c = rgba(css);
	return !!c && c[3] > 0;
}

/** The first opaque background from `e` up to the document (the page's own background). */
export function backgroundOf(e: Element | null): string {
	for (let x = e; x; x = x.parentElement) {
		const bg = getComputedStyle(x).backgroundColor;
		const c = rgba(bg);
		if (c && c[3] >= 0.99) return bg;
	}
	return '#ffffff';
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
		const t = cap.appendChild(el('text', { x: PAD, y: plotH + i * CAPTION_LINE + CAPTION_FONT, 'font-size': CAPTION_FONT, 'font-family': 'system-ui, sans-serif', fill: color, 'fill-opacity': 0.75 }));
		t.textContent = line;
	});
	return { svg: new XMLSerializer().serializeToString(svg), width, height, cells: ctx.cells };
}

function walk(node: Element, out: SVGGElement, ctx: Ctx): void {
	if (node.matches(SKIP)) return;
	const cs = getComputedStyle(node);
	if (cs.display === 'none' || cs.visibility === 'hidden' || Number(cs.opacity) === 0) return;
	if (node instanceof SVGSVGElement) return void cloneSvg(node, out, ctx);
	if (node instanceof HTMLCanvasElement) return void canvasLayer(node, out, ctx);
	if (node instanceof HTMLElement) htmlBox(node, cs, out, ctx);
	for (const child of node.childNodes) {
		if (child.nodeType === Node.TEXT_NODE) htmlText(child as Text, cs, out, ctx);
		else if (child.nodeType === Node.ELEMENT_NODE) walk(child as Element, out, ctx);
	}
}

function at(r: DOMRect, ctx: Ctx): { x: number; y: number } {
	return { x: r2(r.left - ctx.origin.left + PAD), y: r2(r.top - ctx.origin.top + PAD) };
}

/** An SVG layer: cloned, computed styles inlined, placed where it sits on the page. */
function cloneSvg(src: SVGSVGElement, out: SVGGElement, ctx: Ctx): void {
	const { x, y } = at(src.getBoundingClientRect(), ctx);
	const g = out.appendChild(el('g', { transform: `translate(${x}, ${y})` }));
	const cls = src.getAttribute('class');
	if (cls) g.setAttribute('class', cls);
	for (const child of src.children) {
		const copy = inlineStyles(child);
		if (copy) g.appendChild(copy);
	}
}

function inlineStyles(src: Element): Element | null {
	const cs = getComputedStyle(src);
	if (cs.display === 'none' || cs.visibility === 'hidden') return null;
	const copy = src.cloneNode(false) as Element;
	const style = SVG_PROPS.map((p) => [p, cs.getPropertyValue(p)] as const)
		.filter(([, v]) => v && v !== 'normal' && v !== 'auto')
		.map(([p, v]) => `${p}: ${v}`)
		.join('; ');
	if (style) copy.setAttribute('style', style);
	copy.removeAttribute('class');
	for (const n of src.childNodes) {
		if (n.nodeType === Node.ELEMENT_NODE) {
			const c = inlineStyles(n as Element);
			if (c) copy.appendChild(c);
		} else if (n.nodeType === Node.TEXT_NODE) copy.appendChild(document.createTextNode((n as Text).data));
	}
	return copy;
}

/** Backgrounds and borders of HTML boxes (legend swatches, the current head's frame). */
function htmlBox(e: HTMLElement, cs: CSSStyleDeclaration, out: SVGGElement, ctx: Ctx): void {
	const r = e.getBoundingClientRect();
	if (r.width <= 0 || r.height <= 0) return;
	const { x, y } = at(r, ctx);
	if (visibleColor(cs.backgroundColor)) out.appendChild(el('rect', { x, y, width: r2(r.width), height: r2(r.height), fill: cs.backgroundColor }));
	const sides = [
		['Top', x, y + 0.5, x + r.width, y + 0.5],
		['Bottom', x, y + r.height - 0.5, x + r.width, y + r.height - 0.5],
		['Left', x + 0.5, y, x + 0.5, y + r.height],
		['Right', x + r.width - 0.5, y, x + r.width - 0.5, y + r.height]
	] as const;
	for (const [side, x1, y1, x2, y2] of sides) {
		const w = parseFloat(cs.getPropertyValue(`border-${side.toLowerCase()}-width`));
		const style = cs.getPropertyValue(`border-${side.toLowerCase()}-style`);
		const color = cs.getPropertyValue(`border-${side.toLowerCase()}-color`);
		if (!(w > 0) || style === 'none' || style === 'hidden' || !visibleColor(color)) continue;
		const inset = (w - 1) / 2;
		const dx = side === 'Left' ? inset : side === 'Right' ? -inset : 0;
		const dy = side === 'Top' ? inset : side === 'Bottom' ? -inset : 0;
		const line = out.appendChild(el('line', { x1: r2(x1 + dx), y1: r2(y1 + dy), x2: r2(x2 + dx), y2: r2(y2 + dy), stroke: color, 'stroke-width': w }));
		if (style === 'dashed' || style === 'dotted') line.setAttribute('stroke-dasharray', style === 'dashed' ? `${3 * w} ${2 * w}` : `${w} ${w}`);
	}
}

/** A text node as SVG text, one <text> per line box it occupies (words grouped by their line). */
function htmlText(t: Text, cs: CSSStyleDeclaration, out: SVGGElement, ctx: Ctx): void {
	const data = t.data.slice(0, MAX_TEXT);
	if (!data.trim()) return;
	const range = document.createRange();
	const lines: { x: number; top: number; height: number; words: string[] }[] = [];
	for (const m of data.matchAll(/\S+/g)) {
		range.setStart(t, m.index);
		range.setEnd(t, m.index + m[0].length);
		const r = range.getClientRects()[0];
		if (!r || r.width === 0) continue;
		const last = lines[lines.length - 1];
		if (last && Math.abs(last.top - r.top) < 2) last.words.push(m[0]);
		else lines.push({ x: r.left, top: r.top, height: r.height, words: [m[0]] });
	}
	range.detach();
	for (const l of lines) {
		const { x, y } = at(new DOMRect(l.x, l.top, 0, l.height), ctx);
		const node = out.appendChild(
			el('text', {
				x,
				y: r2(y + l.height / 2),
				'dominant-baseline': 'central',
				fill: cs.color,
				'font-family': cs.fontFamily,
				'font-size': cs.fontSize,
				'font-weight': cs.fontWeight,
				'font-style': cs.fontStyle
			})
		);
		node.textContent = l.words.join(' ');
	}
}

/** Reads back one pixel per cell (the centre of each cell as drawn); null when cells are under one device pixel. */
export function cellPixels(canvas: HTMLCanvasElement, rows: number, cols: number): ImageData | null {
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
function canvasLayer(canvas: HTMLCanvasElement, out: SVGGElement, ctx: Ctx): void {
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
			el('g', { class: 'cells', 'data-rows': rows, 'data-cols': cols, transform: `translate(${x}, ${y}) scale(${r2(r.width / cols)}, ${r2(r.height / rows)})`, 'shape-rendering': 'crispEdges' })
		);
		const d = px.data;
		for (let row = 0; row < rows; row++) {
			for (let c = 0; c < cols; ) {
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
