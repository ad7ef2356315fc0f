// How the attention heatmap maps weights to colour. The fixed [0, 1] scale compares heads and
// layers; the others spread the colours over what one head or one row actually holds (the readout
// and data-value always give the weight itself). Masked cells never count towards a maximum.
import { cellIndex, type MaskTest, type MatrixView } from '$lib/viz/paint';
import { attentionLut, type ColorLut, type Rgba, type Scheme } from '$lib/viz/colors';

export const ATTENTION_SCALES = ['fixed', 'head', 'row', 'log'] as const;
export type AttentionScale = (typeof ATTENTION_SCALES)[number];

export const SCALE_NAMES: Record<AttentionScale, string> = {
	fixed: 'fixed 0 to 1',
	head: 'this head’s max',
	row: 'each row’s max',
	log: 'log scale'
};

/** The smallest weight the log scale tells apart from zero. */
export const LOG_FLOOR = 1e-4;

export function parseScale(v: string | null | undefined): AttentionScale {
	return (ATTENTION_SCALES as readonly string[]).includes(v ?? '') ? (v as AttentionScale) : 'fixed';
}

export interface Scaled {
	/** What is painted: the weights mapped to [0, 1] (the fixed scale: the pattern itself). */
	view: MatrixView;
	/** The legend's ends and its title (which says the domain). */
	domain: [number, number];
	title: string;
}

const masked = (m: MatrixView, isMasked: MaskTest | undefined, r: number, c: number) =>
	!!isMasked && isMasked(m.data[cellIndex(m, r, c)], r, c);

/** The matrix as the scale paints it: (S, S) in, (S, S) in [0, 1] out. */
export function scaleAttention(m: MatrixView, scale: AttentionScale, isMasked?: MaskTest): Scaled {
	if (scale === 'fixed') return { view: m, domain: [0, 1], title: 'weight (fixed 0 to 1)' };
	const { rows, cols } = m;
	const out = new Float32Array(rows * cols);
	let headMax = 0;
	const rowMax = new Float64Array(rows);
	for (let r = 0; r < rows; r++)
		for (let c = 0; c < cols; c++) {
			const v = m.data[cellIndex(m, r, c)];
			if (!Number.isFinite(v) || masked(m, isMasked, r, c)) continue;
			if (v > rowMax[r]) rowMax[r] = v;
		}
	for (const v of rowMax) headMax = Math.max(headMax, v);
	const lg = Math.log10(LOG_FLOOR);
	for (let r = 0; r < rows; r++)
		for (let c = 0; c < cols; c++) {
			const v = m.data[cellIndex(m, r, c)];
			// Masked cells keep an exact 0, so a mask read from zeros still finds them.
			if (masked(m, isMasked, r, c) || v === 0) out[r * cols + c] = 0;
			else if (!Number.isFinite(v)) out[r * cols + c] = v;
			else if (scale === 'head') out[r * cols + c] = headMax > 0 ? v / headMax : 0;
			else if (scale === 'row') out[r * cols + c] = rowMax[r] > 0 ? v / rowMax[r] : 0;
			else out[r * cols + c] = Math.min(1, Math.max(0, (Math.log10(Math.max(v, LOG_FLOOR)) - lg) / -lg));
		}
	const view: MatrixView = { data: out, offset: 0, rows, cols };
	const top = Number(headMax.toPrecision(3));
	if (scale === 'head') return { view, domain: [0, top], title: `weight (0 to this head’s max, ${top})` };
	if (scale === 'row') return { view, domain: [0, 1], title: 'weight ÷ its row’s max (each row 0 to 1)' };
	return { view, domain: [lg, 0], title: `log10 weight (${lg} to 0; below ${LOG_FLOOR} as ${lg})` };
}

// Masked cells: a light neutral that recedes (the hatching, not the grey, says "masked"), apart
// from every colour of the ramp.
const QUIET: Record<Scheme, Rgba> = { light: [224, 224, 224, 255], dark: [38, 38, 38, 255] };
const quiet = new Map<Scheme, ColorLut>();

export function quietMaskLut(scheme: Scheme): ColorLut {
	let lut = quiet.get(scheme);
	if (!lut) quiet.set(scheme, (lut = { ...attentionLut(scheme), masked: QUIET[scheme] }));
	return lut;
}
