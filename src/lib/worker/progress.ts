// Progress and results as the status line shows them.
import { formatBytes } from '../runtime/index.js';
import type { LongCapture, ProgressMessage, ResultMessage } from './protocol.js';

export function describeProgress(p: ProgressMessage): string {
	if (p.stage === 'fetch' && p.loaded !== undefined) {
		const of = p.total ? ` of ${formatBytes(p.total)}` : '';
		return `${p.message}: ${formatBytes(p.loaded)}${of}`;
	}
	return p.message;
}

/** A finished run: the model, what was captured (and why, under selective capture) and the time it took.
 * Layers and heads read 1-based here, as the step notes and steppers do. */
export function describeResult(r: ResultMessage): string {
	const ms = (x: number) => `${Math.round(x)} ms`;
	// A re-run reuses the open session: no session time to report.
	const time =
		r.timings.sessionMs > 0
			? `session ${ms(r.timings.sessionMs)}, run ${ms(r.timings.runMs)}`
			: `re-run ${ms(r.timings.runMs)} on the open session`;
	const c = r.capture;
	// A merged decoder: say that what is captured is its selected branch, inlined.
	const graph = r.capturedGraph ? ` · ${r.capturedGraph}` : '';
	if (c?.mode === 'summary' && r.long)
		return `${r.model.name}${graph} · summary capture: layer ${nth(c.layer)}, head ${r.long.head + 1} exact, every head's row summaries and ${r.long.layers[0]?.pooled[0]?.size ?? 0}² pooled patterns${logitsNote(r.long)} (${r.tensors.length} tensors; asked for "${c.requested}") · ${time} · ${c.reason ?? ''}`;
	if (c?.mode === 'selective')
		return `${r.model.name}${graph} · selective capture: ${r.captureSet} tensors of layer ${nth(c.layer)} + every layer's residual stream (${r.tensors.length} tensors; asked for "${c.requested}") · ${time} · ${c.reason ?? ''}`;
	return `${r.model.name}${graph} · capture: ${r.captureSet} (${r.tensors.length} tensors) · ${time}`;
}

/** A 0-based index as people count (null: not known). */
const nth = (i: number | null) => (i === null ? '?' : String(i + 1));

/** What the logits tensor holds under summary capture: ", logits for the last 128 of 2048 tokens". */
export function logitsNote(long: LongCapture): string {
	const l = long.logits;
	if (!l?.tensors.length) return '';
	const n = l.of - l.from;
	return n < l.of ? `, logits for the last ${n} of ${l.of} tokens` : `, logits for all ${l.of} tokens`;
}
