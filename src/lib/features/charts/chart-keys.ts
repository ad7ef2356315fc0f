// Keyboard cursors for the charts, as pure steps: the chart feeds the result to the same hover
// (so the readout follows) and pick as the pointer. A null step means the key is not ours.

/** A drawn marker: which series, which point, where (plot x). */
export interface KeyMarker {
	series: number;
	index: number;
	px: number;
}

export type KeyStep<T> = { move: T } | { pick: T } | null;

const clamp = (v: number, n: number) => Math.max(0, Math.min(n - 1, v));

/** Left/Right along the series (Shift: 10), Home/End, Up/Down to the nearest point of the next series, Enter picks. */
export function markerStep<M extends KeyMarker>(ms: readonly M[], at: M | null, key: string, shift: boolean): KeyStep<M> {
	if (!ms.length) return null;
	const here = at ?? ms[0];
	const same = ms.filter((m) => m.series === here.series);
	const k = Math.max(0, same.indexOf(here));
	const n = shift ? 10 : 1;
	if (key === 'ArrowLeft' || key === 'ArrowRight') return { move: same[clamp(k + (key === 'ArrowLeft' ? -n : n), same.length)] };
	if (key === 'Home' || key === 'End') return { move: key === 'Home' ? same[0] : same[same.length - 1] };
	if (key === 'ArrowUp' || key === 'ArrowDown') {
		const ids = [...new Set(ms.map((m) => m.series))];
		const next = ids[(ids.indexOf(here.series) + (key === 'ArrowDown' ? 1 : ids.length - 1)) % ids.length];
		const xs = ms.filter((m) => m.series === next);
		return { move: xs.reduce((a, b) => (Math.abs(b.px - here.px) < Math.abs(a.px - here.px) ? b : a), xs[0]) };
	}
	if ((key === 'Enter' || key === ' ') && at) return { pick: at };
	return null;
}

/** Left/Right over n tokens (Shift: 10), Home/End, Enter picks the token under the cursor. */
export function tokenStep(n: number, at: number | null, key: string, shift: boolean): KeyStep<number> {
	if (n <= 0) return null;
	const c = at === null ? 0 : clamp(at, n);
	const d = shift ? 10 : 1;
	if (key === 'ArrowLeft' || key === 'ArrowRight') return { move: at === null ? 0 : clamp(c + (key === 'ArrowLeft' ? -d : d), n) };
	if (key === 'Home' || key === 'End') return { move: key === 'Home' ? 0 : n - 1 };
	if ((key === 'Enter' || key === ' ') && at !== null) return { pick: c };
	return null;
}

/** A histogram's cursor: a bin of one of its series. */
export interface BinCursor {
	bin: number;
	series: number;
}

/** Left/Right over the bins (Shift: 10), Home/End, Up/Down to the same bin of the next series (wrapping). */
export function binStep(bins: number, series: number, at: BinCursor | null, key: string, shift: boolean): KeyStep<BinCursor> {
	if (bins <= 0 || series <= 0) return null;
	const here = at ?? { bin: 0, series: 0 };
	const d = shift ? 10 : 1;
	if (key === 'ArrowLeft' || key === 'ArrowRight')
		return { move: at === null ? here : { ...here, bin: clamp(here.bin + (key === 'ArrowLeft' ? -d : d), bins) } };
	if (key === 'Home' || key === 'End') return { move: { ...here, bin: key === 'Home' ? 0 : bins - 1 } };
	if (key === 'ArrowUp' || key === 'ArrowDown')
		return { move: { ...here, series: (here.series + (key === 'ArrowDown' ? 1 : series - 1)) % series } };
	return null;
}
