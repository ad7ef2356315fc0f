// Progress messages as the status line shows them.
import type { ProgressMessage } from './protocol.js';

export function formatBytes(n: number): string {
	if (n < 1024) return `${n} B`;
	if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
	return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function describeProgress(p: ProgressMessage): string {
	if (p.stage === 'fetch' && p.loaded !== undefined) {
		const of = p.total ? ` of ${formatBytes(p.total)}` : '';
		return `${p.message}: ${formatBytes(p.loaded)}${of}`;
	}
	return p.message;
}
