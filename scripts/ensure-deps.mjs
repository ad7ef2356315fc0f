// Installs the locked dependencies when they are missing, so each quick-start command works on a
// fresh clone by itself. Plain Node: it must run before anything is installed.
import { existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export function ensureDeps() {
	const marker = 'node_modules/.package-lock.json';
	const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync('package-lock.json').mtimeMs;
	if (!stale) return;
	console.log('blockscope: installing dependencies (npm ci)...');
	const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
	if (r.status !== 0) {
		console.error('blockscope: `npm ci` failed; see the output above (the npm registry must be reachable).');
		process.exit(r.status ?? 1);
	}
}
