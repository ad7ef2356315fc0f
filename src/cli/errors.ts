// How the CLI fails: one line on stderr, exit code 2. Exit code 1 is left for checks that ran but
// failed (`--check`, a later issue).
import { ModelError } from '../lib/onnx/errors.js';

export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_ERROR = 2;

/** Wrong usage (arguments, input files): reported as one line, exit code 2. */
export class UsageError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'UsageError';
	}
}

/** Any error as one line a user can act on. */
export function oneLine(e: unknown): string {
	if (e instanceof ModelError) return flat(e.hint ? `${e.message} ${e.hint}` : e.message);
	if (e instanceof UsageError) return flat(e.message);
	return flat(`internal error: ${(e as Error)?.message ?? String(e)} (run with --debug for details)`);
}

function flat(s: string): string {
	return s.replace(/\s+/g, ' ').trim();
}
