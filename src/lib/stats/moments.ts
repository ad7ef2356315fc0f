// Per-row moments, accumulated in float64 so the statistics do not add their own rounding.
import type { Numeric } from './rows.js';

export function mean(x: Numeric): number {
	let s = 0;
	for (let i = 0; i < x.length; i++) s += x[i];
	return s / x.length;
}

/** Population variance (divide by n), as LayerNorm uses it. */
export function variance(x: Numeric): number {
	const m = mean(x);
	let s = 0;
	for (let i = 0; i < x.length; i++) s += (x[i] - m) * (x[i] - m);
	return s / x.length;
}

export function meanSquare(x: Numeric): number {
	let s = 0;
	for (let i = 0; i < x.length; i++) s += x[i] * x[i];
	return s / x.length;
}

export function l2(x: Numeric): number {
	let s = 0;
	for (let i = 0; i < x.length; i++) s += x[i] * x[i];
	return Math.sqrt(s);
}

export function extent(x: Numeric): [number, number] {
	let lo = Infinity;
	let hi = -Infinity;
	for (let i = 0; i < x.length; i++) {
		const v = x[i];
		if (v < lo) lo = v;
		if (v > hi) hi = v;
	}
	return [lo, hi];
}
