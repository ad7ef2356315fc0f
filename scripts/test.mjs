#!/usr/bin/env node
// `npm test`: unit tests (vitest), then end-to-end tests (Playwright in Chromium against a
// production build served by `vite preview`). Non-zero exit if either fails.
//   --unit-only / --e2e-only   run one half; other arguments go to that half's runner.
// Chromium: $CHROMIUM_PATH, else /usr/bin/chromium; when missing it is installed with apt (as
// root), else this stops with one line saying what to install. No browser is ever downloaded.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { ensureDeps } from './ensure-deps.mjs';

const argv = process.argv.slice(2);
const unitOnly = argv.includes('--unit-only');
const e2eOnly = argv.includes('--e2e-only');
// `npm test -- --e2e-only -- --grep x` style: a bare `--` only separates, it is not passed on.
const rest = argv.filter((a) => a !== '--unit-only' && a !== '--e2e-only' && a !== '--');
if (unitOnly && e2eOnly) die('blockscope test: --unit-only and --e2e-only exclude each other.');

function die(line) {
	console.error(line);
	process.exit(1);
}

function executable(path) {
	try {
		accessSync(path, constants.X_OK);
		return true;
	} catch {
		return false;
	}
}

function onPath(cmd) {
	return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function findChromium() {
	const env = process.env.CHROMIUM_PATH;
	if (env) {
		if (executable(env)) return env;
		die(`blockscope test: CHROMIUM_PATH=${env} is not an executable file; point it at Chromium or unset it to use /usr/bin/chromium.`);
	}
	const debian = '/usr/bin/chromium';
	if (executable(debian)) return debian;
	const root = typeof process.getuid === 'function' && process.getuid() === 0;
	if (root && onPath('apt-get')) {
		console.log('blockscope test: Chromium is missing; installing Debian\'s "chromium" with apt-get...');
		const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
		const ok =
			spawnSync('apt-get', ['update'], { stdio: 'inherit', env }).status === 0 &&
			spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env }).status === 0;
		if (ok && executable(debian)) return debian;
		die('blockscope test: installing Chromium with apt-get failed (see above); install the "chromium" package or set CHROMIUM_PATH.');
	}
	die(
		'blockscope test: Chromium not found: install it (Debian/Ubuntu: `sudo apt-get install chromium`) or set CHROMIUM_PATH to a Chromium binary.'
	);
}

/** A free TCP port for `vite preview`, so parallel runs and other servers do not collide. */
function freePort() {
	return new Promise((resolve, reject) => {
		const srv = createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

function run(cmd, args, env = process.env) {
	const r = spawnSync(cmd, args, { stdio: 'inherit', env });
	if (r.error) console.error(`blockscope test: could not run ${cmd}: ${r.error.message}`);
	return r.status ?? 1;
}

ensureDeps();
// Chromium first: a missing browser should stop the run before minutes of unit tests.
const chromium = e2eOnly || !unitOnly ? findChromium() : null;
if (!existsSync('node_modules/.bin/vitest')) die('blockscope test: node_modules is incomplete; run `npm ci`.');

// Generates .svelte-kit/tsconfig.json (tsconfig.json extends it) on a fresh clone.
run(process.execPath, ['node_modules/@sveltejs/kit/svelte-kit.js', 'sync']);

const results = [];
if (!e2eOnly) {
	console.log('\n=== unit tests (vitest) ===');
	results.push(['unit', run(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...(unitOnly ? rest : [])])]);
}
if (!unitOnly) {
	console.log(`\n=== end-to-end tests (Playwright, ${chromium}) ===`);
	const env = { ...process.env, CHROMIUM_PATH: chromium, BLOCKSCOPE_E2E_PORT: String(await freePort()) };
	results.push(['e2e', run(process.execPath, ['node_modules/@playwright/test/cli.js', 'test', ...(e2eOnly ? rest : [])], env)]);
}
const failed = results.filter(([, code]) => code !== 0);
console.log(`\nblockscope test: ${results.map(([name, code]) => `${name} ${code === 0 ? 'passed' : 'FAILED'}`).join(', ')}`);
process.exit(failed.length ? 1 : 0);
