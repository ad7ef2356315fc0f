// The page's DOM under a figure, redrawn as SVG: SVG layers cloned with their computed styles
// inlined (the file looks the same outside the page), HTML boxes as rects and lines, HTML text as
// <text> per line box, canvases as cell layers (cells.ts). Controls and pointer overlays are left
// out. Model strings only go in through textContent / setAttribute (XML-escaped), never as markup.
import { canvasLayer } from './cells.js';
import { at, el, r2, visibleColor, type Ctx } from './svg.js';

/** What an export never shows: its own menu, form controls, pointer overlays. */
const SKIP = '[data-export="skip"], details, summary, select, input, textarea, [data-testid="chart-area"], .cross, .band';
/** Computed properties copied onto each cloned SVG element. */
const SVG_PROPS = [
	'fill',
	'fill-opacity',
	'stroke',
	'stroke-width',
	'stroke-opacity',
	'stroke-dasharray',
	'stroke-linecap',
	'stroke-linejoin',
	'opacity',
	'font-family',
	'font-size',
	'font-weight',
	'font-style',
	'text-anchor',
	'dominant-baseline',
	'shape-rendering',
	'stop-color',
	'stop-opacity',
	'paint-order'
];
/** The longest text taken from one HTML text node (a 100k-character name stays a file of sane size). */
const MAX_TEXT = 400;

export function walk(node: Element, out: SVGGElement, ctx: Ctx): void {
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
	if (visibleColor(cs.backgroundColor))
		out.appendChild(el('rect', { x, y, width: r2(r.width), height: r2(r.height), fill: cs.backgroundColor }));
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
		const line = out.appendChild(
			el('line', { x1: r2(x1 + dx), y1: r2(y1 + dy), x2: r2(x2 + dx), y2: r2(y2 + dy), stroke: color, 'stroke-width': w })
		);
		if (style === 'dashed' || style === 'dotted')
			line.setAttribute('stroke-dasharray', style === 'dashed' ? `${3 * w} ${2 * w}` : `${w} ${w}`);
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
