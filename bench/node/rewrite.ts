// Rewrite cost in Node: a child process (bench/node/rewrite-child.ts) so its memory figures are its own.
import { runChild } from '../child.js';
import type { RewriteResult } from '../report.js';

export async function rewriteInNode(path: string, reps: number): Promise<RewriteResult> {
	return runChild<RewriteResult>('bench/node/rewrite-child.ts', [path, '--reps', String(reps)], {
		nodeArgs: ['--expose-gc'],
		timeoutMs: 120_000
	});
}
