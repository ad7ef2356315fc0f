// Per-token series longer than the chart is wide (thousands of tokens in a few hundred pixels):
// aggregated to the pixel. Each pixel column keeps the min and max of its tokens (a band, so a lone
// spike stays visible) and their mean (a line); hover still picks the one token under the pointer.
import { area, line } from 'd3-shape';
import type { ScaleLinear } from 'd3-scale';

export interface PixelColumns {
	/** Tokens aggregated. */
	n: number;
	/** Pixel columns. */
	width: number;
	/** Per column: first token, one past the last. */
	from: Int32Array;
	to: Int32Array;
	/** Over the column's finite values (NaN where it has none). */
	min: Float64Array;
	max: Float64Array;
	mean: Float64Array;
}

/** Columns [0, width): column k holds tokens [floor(k n / w), floor((k + 1) n / w)) (at least one). */
export function aggregateColumns(values: ArrayLike<number | null>, width: number): PixelColumns {
	const n = values.length;
	const w = Math.max(1, Math.min(n, Math.floor(width)));
	const from = new Int32Array(w);
	const to = new Int32Array(w);
	const min = new Float64Array(w);
	const max = new Float64Array(w);
	const mean = new Float64Array(w);
	for (let k = 0; k < w; k++) {
		const a = Math.floor((k * n) / w);
		const b = Math.max(a + 1, Math.floor(((k + 1) * n) / w));
		let lo = Infinity;
		let hi = -Infinity;
		let sum = 0;
		let count = 0;
		for (let i = a; i < b; i++) {
			const v = values[i];
			if (v === null || !Number.isFinite(v)) continue;
			if (v < lo) lo = v;
			if (v > hi) hi = v;
			sum += v;
			count++;
		}
		from[k] = a;
		to[k] = b;
		min[k] = count ? lo : NaN;
		max[k] = count ? hi : NaN;
		mean[k] = count ? sum / count : NaN;
	}
	return { n, width: w, from, to, min, max, mean };
}

/** Column k's x centre in a plot `plotWidth` wide (columns share the width evenly). */
function centre(k: number, cols: PixelColumns, plotWidth: number): number {
	return ((k + 0.5) * plotWidth) / cols.width;
}

const indices = (cols: PixelColumns) => Array.from({ length: cols.width }, (_, k) => k);

/** The min-max band as one path (gaps where a column has no finite value). */
export function bandPath(cols: PixelColumns, plotWidth: number, y: ScaleLinear<number, number>): string {
	const gen = area<number>()
		.defined((k) => Number.isFinite(cols.min[k]))
		.x((k) => centre(k, cols, plotWidth))
		.y0((k) => y(cols.min[k]))
		.y1((k) => y(cols.max[k]));
	return gen(indices(cols)) ?? '';
}

/** The per-column mean as one line. */
export function meanPath(cols: PixelColumns, plotWidth: number, y: ScaleLinear<number, number>): string {
	const gen = line<number>()
		.defined((k) => Number.isFinite(cols.mean[k]))
		.x((k) => centre(k, cols, plotWidth))
		.y((k) => y(cols.mean[k]));
	return gen(indices(cols)) ?? '';
}

/** Whether a series is drawn aggregated: more tokens than whole pixels to draw them in. */
export function aggregates(n: number, plotWidth: number): boolean {
	return n > Math.floor(plotWidth);
}
