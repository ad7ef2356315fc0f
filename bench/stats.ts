// Small statistics for noisy shared machines: medians, never means.

export function median(xs: readonly number[]): number {
	if (xs.length === 0) return NaN;
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Round to `digits` significant-ish decimals for the JSON (keeps it readable, loses nothing useful). */
export function round(x: number, digits = 3): number {
	if (!Number.isFinite(x)) return x;
	const k = 10 ** digits;
	return Math.round(x * k) / k;
}

export const MiB = 1 << 20;

export function mib(bytes: number): number {
	return round(bytes / MiB, 1);
}
