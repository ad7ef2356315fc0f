// Installs the locked dependencies when they are missing or differ from package-lock.json, so each
// quick-start command works on a fresh clone by itself. Plain Node: it must run before anything is
// installed. It compares contents, not timestamps: a copied or freshly checked-out lock file must
// not trigger a reinstall (through a symlinked node_modules that would wipe someone else's tree).
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

function lockedPackages(path) {
	const lock = JSON.parse(readFileSync(path, 'utf8'));
	return lock.packages ?? {};
}

function installedMatchesLock() {
	const hidden = 'node_modules/.package-lock.json';
	if (!existsSync(hidden)) return false;
	const installed = lockedPackages(hidden);
	for (const [path, meta] of Object.entries(lockedPackages('package-lock.json'))) {
		// The root entry and platform-specific optional packages are legitimately absent.
		if (path === '' || meta.optional) continue;
		if (installed[path]?.version !== meta.version) return false;
	}
	return true;
}

export function ensureDeps() {
	if (installedMatchesLock()) return;
	console.log('blockscope: installing dependencies (npm ci)...');
	const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
	if (r.status !== 0) {
		console.error('blockscope: `npm ci` failed; see the output above (the npm registry must be reachable).');
		process.exit(r.status ?? 1);
	}
}
