// Each head of the grid named by its strongest behaviour score (report/head-scores: the CLI's
// layers[i].attention.head_scores), with every score for the hover text.
import { headLabel, type HeadKind } from '$lib/report';
import { headScores, repeatPeriod, type HeadScore } from '$lib/stats';
import { floatsOf } from '$lib/tensor';
import type { AttentionAt } from './attention-at';

export interface HeadBadge {
	scores: HeadScore;
	label: HeadKind | null;
	/** All scores in one line, for the hover text. */
	title: string;
}

const SHORT: Record<HeadKind, string> = { previous: 'prev', first: 'sink', self: 'self', local: 'local', induction: 'induct' };
export const shortLabel = (k: HeadKind) => SHORT[k];

const f3 = (x: number | null) => (x === null ? 'n/a (repeat your text)' : Number.isFinite(x) ? x.toFixed(3) : 'n/a');

/** Badges for every head of the pattern (batch 0); [] when there is no square pattern. */
export function headBadges(at: AttentionAt, tokenIds: readonly number[] | null): HeadBadge[] {
	const p = at.pattern;
	const f = p ? floatsOf(p) : null;
	if (!p || !f || p.dims.length < 2 || !at.heads) return [];
	const S = p.dims[p.dims.length - 1];
	if (p.dims[p.dims.length - 2] !== S || f.length < at.heads * S * S) return [];
	const period = tokenIds && tokenIds.length === S ? repeatPeriod(tokenIds) : null;
	return headScores(f, at.heads, S, period ?? undefined).map((s) => {
		const l = headLabel(s, S, period);
		const title = `previous ${f3(s.previous)} · first ${f3(s.first)} · self ${f3(s.self)} · local ${f3(s.local)} · induction ${f3(s.induction)}`;
		return { scores: s, label: l?.kind ?? null, title };
	});
}

/** Whether the tokens are a block repeated (so induction is measured). */
export function isRepeat(tokenIds: readonly number[] | null): boolean {
	return !!tokenIds && repeatPeriod(tokenIds) !== null;
}

/**
 * The page's input with the text written twice (or the ids given twice), so induction can be
 * scored; null when the run had no token input to repeat.
 */
export function repeatedInput<T extends { text?: string; ids?: readonly number[] | string }>(
	input: T,
	tokenIds: readonly number[] | null,
	defaultText: string
): T | null {
	if (!tokenIds || !tokenIds.length) return null;
	if (input.ids !== undefined && input.ids !== '') return { ...input, ids: [...tokenIds, ...tokenIds] };
	const text = input.text ?? defaultText;
	return { ...input, text: text + text };
}
