// What the figure's parts share: SVG element creation, coordinates relative to the figure, CSS
// colours, and the walk's context (where the figure sits, the cell layers found so far).
export const SVG_NS = 'http://www.w3.org/2000/svg';
export const XLINK_NS = 'http://www.w3.org/1999/xlink';
/** Padding around the figure (CSS px). */
export const PAD = 8;

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

export interface Ctx {
	origin: DOMRect;
	cells: CellLayer[];
	mode: 'vector' | 'none';
	rectCells: number;
}

export function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
	const e = document.createElementNS(SVG_NS, name);
	for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
	return e;
}

export const r2 = (x: number) => Math.round(x * 100) / 100;

function rgba(css: string): [number, number, number, number] | null {
	const m = /rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)/.exec(css);
	if (!m) return null;
	const a = m[4] === undefined ? 1 : m[4].endsWith('%') ? Number(m[4].slice(0, -1)) / 100 : Number(m[4]);
	return [Number(m[1]), Number(m[2]), Number(m[3]), a];
}

export function visibleColor(css: string): boolean {
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

export function at(r: DOMRect, ctx: Ctx): { x: number; y: number } {
	return { x: r2(r.left - ctx.origin.left + PAD), y: r2(r.top - ctx.origin.top + PAD) };
}
