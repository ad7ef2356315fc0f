// Runs a bench child script in a fresh Node process (tsx loader) and parses the one JSON line it prints.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

export function runChild<T>(script: string, args: string[], opts: { nodeArgs?: string[]; timeoutMs: number }): Promise<T> {
	return new Promise((ok, fail) => {
		const p = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', resolve(ROOT, script), ...args], {
			cwd: ROOT,
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let out = '';
		let err = '';
		p.stdout.on('data', (d) => (out += d));
		p.stderr.on('data', (d) => (err += d));
		const timer = setTimeout(() => p.kill('SIGKILL'), opts.timeoutMs);
		p.on('close', (code, signal) => {
			clearTimeout(timer);
			const line = out.trim().split('\n').pop() ?? '';
			if (code === 0 && line.startsWith('{')) return ok(JSON.parse(line) as T);
			const why = signal === 'SIGKILL' ? `killed after ${Math.round(opts.timeoutMs / 1000)} s` : `exit ${code ?? signal}`;
			const last = err
				.trim()
				.split('\n')
				.filter((l) => l && !/^\s+at /.test(l))
				.slice(-2)
				.join(' ');
			fail(new Error(`${script}: ${why}${last ? `: ${last}` : ''}`.slice(0, 400)));
		});
	});
}
