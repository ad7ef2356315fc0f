// The health panel's lines, one per check, from the report's Health object. Pure.
// Levels: "bad" (a fault: NaN/Inf, softmax rows off), "warn" (a hazard: zero rows, var < eps,
// fp16 overflow), "info" (what the capture did), "ok" (a check that passed).
import type { Health } from '$lib/report/health';
import { fmt } from '$lib/viz/numeric';

export type HealthLevel = 'ok' | 'info' | 'warn' | 'bad';

export interface HealthLine {
	check: string;
	level: HealthLevel;
	text: string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function list(names: readonly string[], max = 4): string {
	const shown = names.slice(0, max);
	return names.length > max ? `${shown.join(', ')} and ${names.length - max} more` : shown.join(', ');
}

export function healthLines(h: Health): HealthLine[] {
	const out: HealthLine[] = [];
	if (h.first_nonfinite)
		out.push({
			check: 'nonfinite',
			level: 'bad',
			text: `${plural(h.nonfinite.length, 'tensor')} hold NaN or Inf; the first in graph order is “${h.first_nonfinite}”`
		});
	else out.push({ check: 'nonfinite', level: 'ok', text: 'No NaN or Inf in any captured tensor' });

	if (!h.masks_known)
		out.push({
			check: 'masked',
			level: 'warn',
			text: 'Recognition failed: no −∞ can be told apart as a mask, so every −∞ counts as non-finite'
		});
	else if (h.masked.length)
		out.push({
			check: 'masked',
			level: 'ok',
			text: `Masked: −∞ by design in ${plural(h.masked.length, 'tensor')} (the mask and the masked scores before Softmax), not counted as faults`
		});

	if (h.nonfinite_initializers.length)
		out.push({
			check: 'initializers',
			level: 'bad',
			text: `Weights holding NaN or Inf: ${h.nonfinite_initializers.map((w) => `“${w.name}” (${[w.nan ? `${w.nan} NaN` : '', w.inf ? `${w.inf} Inf` : ''].filter(Boolean).join(', ')})`).join(', ')}`
		});

	if (!h.softmax_rows) out.push({ check: 'softmax', level: 'ok', text: 'No attention pattern captured: no softmax rows to check' });
	else if (h.softmax_off.length)
		out.push({
			check: 'softmax',
			level: 'bad',
			text: `Softmax rows off by more than ${h.softmax_tolerance}: ${h.softmax_off.map((s) => `“${s.tensor}” (${plural(s.rows, 'row')}, max |sum − 1| ${fmt(s.max_err, 3)})`).join(', ')}`
		});
	else
		out.push({
			check: 'softmax',
			level: 'ok',
			text: `Attention rows sum to 1 (max |sum − 1| ${fmt(h.softmax_row_sum_max_err, 3)} over ${plural(h.softmax_rows, 'row')})`
		});
	if (h.softmax_nonfinite_rows)
		out.push({ check: 'softmax-nonfinite', level: 'bad', text: `${plural(h.softmax_nonfinite_rows, 'attention row')} hold NaN or Inf` });

	if (h.zero_rows.length)
		out.push({
			check: 'zero-rows',
			level: 'warn',
			text: `All-zero attention rows (a softmax never yields one): ${h.zero_rows.map((z) => `“${z.tensor}” (${plural(z.count, 'row')})`).join(', ')}`
		});

	for (const n of h.norm_below_eps)
		out.push({
			check: 'norm-eps',
			level: 'warn',
			text: `${n.kind === 'layernorm' ? 'Variance' : 'Mean square'} of the input of “${n.hook ?? n.norm}” below eps ${n.eps} for ${plural(n.tokens.length, 'token')} (min ${fmt(n.min, 3)}): a division hazard`
		});

	if (h.fp16_overflow_counts.length)
		out.push({
			check: 'fp16',
			level: 'warn',
			text: `Would overflow in fp16 (|x| > 65504): ${list(h.fp16_overflow_counts.map((c) => `“${c.tensor}” (${c.count}, max ${fmt(c.max_abs, 3)})`))}`
		});

	const set = h.capture.set;
	out.push({
		check: 'capture',
		level: 'info',
		text: `Capture set “${set ?? 'unknown'}”: ${plural(h.capture.exposed, 'tensor')} exposed as outputs${set === 'all' ? ' (this may stop ORT from fusing ops)' : ''}`
	});
	if (h.capture.fusion.length)
		out.push({
			check: 'fusion',
			level: 'info',
			text: `Fusion broken by the capture in ${plural(h.capture.fusion.length, 'decomposed norm')}: ${list(h.capture.fusion.map((f) => `“${f.norm}”`))}; ORT runs them op by op, values can differ slightly from the run without capture`
		});
	else out.push({ check: 'fusion', level: 'ok', text: 'No decomposed norm had its fusion broken by the capture' });
	return out;
}

/** What the self-check of each recomputed pattern found (derive/): max |pattern @ V - op output|. */
export interface SelfCheck {
	name: string;
	kind: string;
	op: string;
	selfCheck: number | null;
	tolerance: number;
	skipped: string | null;
}

/**
 * One line for the recomputed attention patterns: the largest self-check error (over the tolerance
 * of the op's dtype is a warning: the pattern does not explain the op's output), or why none was
 * computed. Hidden stream sums have no self-check and add no line.
 */
export function selfCheckLines(derived: readonly SelfCheck[]): HealthLine[] {
	const patterns = derived.filter((d) => d.kind === 'pattern');
	if (!patterns.length) return [];
	const out: HealthLine[] = [];
	const skipped = patterns.filter((d) => d.skipped);
	if (skipped.length)
		out.push({
			check: 'self-check-skipped',
			level: 'warn',
			text: `${plural(skipped.length, 'fused attention pattern')} not recomputed: ${skipped[0].skipped}`
		});
	const checked = patterns.filter((d) => d.selfCheck !== null);
	if (!checked.length) return out;
	const worst = checked.reduce((a, b) => (b.selfCheck! / b.tolerance > a.selfCheck! / a.tolerance ? b : a));
	const over = checked.filter((d) => d.selfCheck! > d.tolerance);
	const ops = [...new Set(checked.map((d) => d.op))].join(', ');
	out.push(
		over.length
			? {
					check: 'self-check',
					level: 'warn',
					text: `Recomputed attention does not explain ${ops}'s output: max |pattern @ V − output| = ${fmt(worst.selfCheck!)} in ${worst.name} (over ${fmt(worst.tolerance)} in ${plural(over.length, 'layer')})`
				}
			: {
					check: 'self-check',
					level: 'ok',
					text: `Recomputed attention (${plural(checked.length, 'pattern')} of ${ops}) checked: max |pattern @ V − output| = ${fmt(worst.selfCheck!)} (tolerance ${fmt(worst.tolerance)})`
				}
	);
	return out;
}
