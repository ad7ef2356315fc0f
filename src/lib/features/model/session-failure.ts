// What failed, as a structured step the error banner names (reading the file, creating the
// session, running it), from the worker's last progress stage rather than the status line's text.
import type { Stage } from '$lib/worker/protocol';

export type FailedStep = 'reading' | 'session' | 'running';

export interface SessionError {
	message: string;
	hint?: string;
	/** Errors so far in this page (tests tell one refusal from the next by it). */
	n: number;
	step: FailedStep;
	/** The model being opened when it failed (a zoo id or a file's name); null: not an open. */
	file: string | null;
}

/** The step a request was at: its last progress stage; before any, an open was reading and a re-run running. */
export function failedStep(stage: Stage | null, opening: boolean): FailedStep {
	if (stage === 'session') return 'session';
	if (stage === 'run' || stage === 'collect') return 'running';
	if (stage === 'fetch' || stage === 'read') return 'reading';
	return opening ? 'reading' : 'running';
}

/** The step in words, for "... failed while <words>". */
export function stepWords(step: FailedStep): string {
	return step === 'reading' ? 'reading the model' : step === 'session' ? 'creating the session' : 'running the model';
}

export function sessionError(e: unknown, n: number, step: FailedStep, file: string | null, text: (e: unknown) => string): SessionError {
	const hint = (e as { hint?: unknown } | null)?.hint;
	return { message: text(e), hint: typeof hint === 'string' ? hint : undefined, n, step, file };
}
