// Colour lookup tables: a d3 interpolator sampled once into RGBA bytes, so painting a cell is one
// array read instead of a colour-string parse (matters at 1024 x 1024 cells).
import { interpolateBlues, interpolateMagma, interpolateRdBu } from 'd3-scale-chromatic';

export type Rgba = [number, number, number, number];

export interface ColorLut {
	/** steps * 4 bytes: entry i is the colour of value i / (steps - 1). */
	rgba: Uint8ClampedArray;
	steps: number;
	/** Cells a mask removed (exactly 0 after softmax): drawn apart from "small". */
	masked: Rgba;
	/** NaN / Inf: a bug in the model, drawn loud. */
	invalid: Rgba;
	/** The interpolator the table was sampled from (for the legend's gradient). */
	interpolate: (t: number) => string;
}

export type Scheme = 'light' | 'dark';

/** Parses the colour strings d3 interpolators produce: "rgb(r, g, b)" and "#rrggbb". */
export function parseColor(s: string): Rgba {
	const hex = /^#([0-9a-f]{6})$/i.exec(s.trim());
	if (hex) {
		const n = parseInt(hex[1], 16);
		return [(n >> 16) & 255, (n >> 8) & 255, n & 255, 255];
	}
	const rgb = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/i.exec(s.trim());
	if (rgb) {
		const a = rgb[4] === undefined ? 1 : Number(rgb[4]);
		return [Math.round(+rgb[1]), Math.round(+rgb[2]), Math.round(+rgb[3]), Math.round(a * 255)];
	}
	throw new Error(`Unsupported colour string: ${s}`);
}

export function buildLut(interpolate: (t: number) => string, steps = 256, masked = '#9e9e9e', invalid = '#ff00ff'): ColorLut {
	if (steps < 2) throw new Error('A colour table needs at least 2 steps.');
	const rgba = new Uint8ClampedArray(steps * 4);
	for (let i = 0; i < steps; i++) rgba.set(parseColor(interpolate(i / (steps - 1))), i * 4);
	return { rgba, steps, masked: parseColor(masked), invalid: parseColor(invalid), interpolate };
}

/** Table index of a value on the fixed [0, 1] domain (clamped); -1 for NaN and +-Inf. */
export function lutIndex(v: number, steps: number): number {
	if (!Number.isFinite(v)) return -1;
	const t = v <= 0 ? 0 : v >= 1 ? 1 : v;
	return Math.round(t * (steps - 1));
}

// Low attention recedes into the page background in both schemes: white-to-blue on light,
// black-to-yellow (magma) on dark. Masked cells get a neutral grey that neither ramp contains.
const SCHEMES: Record<Scheme, { interpolate: (t: number) => string; masked: string }> = {
	light: { interpolate: interpolateBlues, masked: '#a6a6a6' },
	dark: { interpolate: interpolateMagma, masked: '#4a4a4a' }
};

const cache = new Map<Scheme, ColorLut>();

export function attentionLut(scheme: Scheme): ColorLut {
	let lut = cache.get(scheme);
	if (!lut) {
		lut = buildLut(SCHEMES[scheme].interpolate, 256, SCHEMES[scheme].masked);
		cache.set(scheme, lut);
	}
	return lut;
}

/** Piecewise-linear RGB ramp through three colours (t = 0, 0.5, 1). */
export function ramp3(lo: string, mid: string, hi: string): (t: number) => string {
	const [a, b, c] = [parseColor(lo), parseColor(mid), parseColor(hi)];
	return (t: number) => {
		const u = t <= 0 ? 0 : t >= 1 ? 1 : t;
		const [p, q, f] = u < 0.5 ? [a, b, u * 2] : [b, c, (u - 0.5) * 2];
		const ch = (i: number) => Math.round(p[i] + (q[i] - p[i]) * f);
		return `rgb(${ch(0)}, ${ch(1)}, ${ch(2)})`;
	};
}

// Diverging around 0 for arbitrary tensors: negative blue, positive red, zero the page colour, so
// "nothing here" recedes in both schemes (RdBu's white centre would glare on a dark page).
const DIVERGING: Record<Scheme, (t: number) => string> = {
	light: (t) => interpolateRdBu(1 - t),
	dark: ramp3('#4f9dff', '#1a1d23', '#ff5f56')
};

const divCache = new Map<Scheme, ColorLut>();

export function divergingLut(scheme: Scheme): ColorLut {
	let lut = divCache.get(scheme);
	if (!lut) {
		lut = buildLut(DIVERGING[scheme], 256, SCHEMES[scheme].masked);
		divCache.set(scheme, lut);
	}
	return lut;
}
