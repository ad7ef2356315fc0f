// Run B's inputs (the compare view and the diff): its own text or ids, or A's when none are set.
// Pure: what B runs on, and what to say when the two runs differ in length.
import type { InputOptions } from '$lib/worker/protocol';
import { DEFAULT_TEXT } from '$lib/runtime/inputs';

/** B's inputs: its own where set (text or ids), else A's; A's seq and seed carry over to ids. */
export function inputOfB(a: InputOptions, b: InputOptions | null): InputOptions {
	if (!b) return a;
	if (b.ids !== undefined) return { ...(a.seed !== undefined ? { seed: a.seed } : {}), ids: b.ids };
	return { text: b.text ?? '' };
}

/** B's field as typed: text for a model that takes text (and A gave no ids), else a comma list of ids. */
export function fieldOfB(a: InputOptions, b: InputOptions | null, textModel: boolean): { kind: 'text' | 'ids'; value: string } {
	const kind = textModel && a.ids === undefined ? 'text' : 'ids';
	const own = kind === 'ids' ? b?.ids : b?.text;
	return { kind, value: own ?? (kind === 'ids' ? (a.ids ?? '') : (a.text ?? DEFAULT_TEXT)) };
}

/** What B's typed field means: null when it equals A's (B follows A again). */
export function setB(a: InputOptions, kind: 'text' | 'ids', value: string): InputOptions | null {
	if (kind === 'ids') return value.trim() === (a.ids ?? '').trim() ? null : { ids: value.trim() };
	return value === (a.text ?? DEFAULT_TEXT) ? null : { text: value };
}

/**
 * How two runs of different lengths line up: positions are compared one to one up to the shorter
 * run; the longer run's last ones have no partner. null when the lengths agree (or are unknown).
 */
export function lengthNote(a: number | null | undefined, b: number | null | undefined): string | null {
	if (!a || !b || a === b) return null;
	const [long, n, m] = a > b ? ['A', a, b] : ['B', b, a];
	const rest = n - m === 1 ? `${long}'s position ${m + 1} has` : `${long}'s positions ${m + 1}–${n} have`;
	return `A has ${a} tokens, B ${b}: positions 1–${m} are compared one to one; ${rest} no partner.`;
}

/** Why an element-wise diff refuses runs of different lengths (its tensors would not line up). */
export function diffLengthError(a: number, b: number): string {
	return (
		`A's input has ${a} tokens and B's ${b}: the diff compares every tensor element by element, so both inputs need the same ` +
		`number of tokens. Make B's text ${a} tokens long (or use the compare view, which shows runs of different lengths side by side).`
	);
}
