// How the CLI fails: one line on stderr, exit code 2. Exit code 1 is left for checks that ran but
// failed (`--check`). The line is inert: control characters from a model's names or a file name
// (terminal escapes, carriage returns, bidi overrides) are shown escaped, and it is clipped, so a
// hostile model cannot paint over the terminal or bury the message.
import { ModelError, inert } from '../lib/onnx/index.js';

export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_ERROR = 2;

/** The longest error line printed (a 100k-character name must not become a 100k-character line). */
export const MAX_LINE = 1000;

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
	const line = inert(s.replace(/[ \t\r\n]+/g, ' ').trim());
	return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 40)}... (${line.length} characters in all)` : line;
}
