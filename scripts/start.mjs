// `npm start`: install if needed, then serve the app (dev server) on the bundled default model and
// open it in a browser; where none can be opened (no desktop, no opener), print the URL to open.
// Other arguments go to `vite dev` (e.g. `npm start -- --port 3000`).
import { spawn, spawnSync } from 'node:child_process';
import { ensureDeps } from './ensure-deps.mjs';

ensureDeps();
// Writes .svelte-kit/tsconfig.json, which tsconfig.json extends, before Vite first reads it.
spawnSync(process.execPath, ['node_modules/@sveltejs/kit/svelte-kit.js', 'sync'], { stdio: 'inherit' });

const ANSI = /\x1b\[[0-9;]*m/g;

function onPath(cmd) {
	return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** The command that opens a URL here, or null (a server, a container, BROWSER=none). */
function opener() {
	const browser = process.env.BROWSER;
	if (browser) return browser.toLowerCase() === 'none' ? null : [browser];
	if (process.platform === 'darwin') return ['open'];
	if (process.platform === 'win32') return ['cmd', '/c', 'start', ''];
	const desktop = process.env.DISPLAY || process.env.WAYLAND_DISPLAY;
	return desktop && onPath('xdg-open') ? ['xdg-open'] : null;
}

function plain(url, why) {
	console.log(`\nblockscope: open ${url} in a browser (${why}).\n`);
}

function open(url) {
	const cmd = opener();
	if (!cmd) return plain(url, 'no desktop here to open one');
	const child = spawn(cmd[0], [...cmd.slice(1), url], { stdio: 'ignore', detached: true });
	child.on('error', (e) => plain(url, `${cmd[0]} could not be started: ${e.code ?? e.message}`));
	child.on('exit', (code) => code && plain(url, `${cmd[0]} exited with code ${code}`));
	child.unref();
}

// Vite's own --open prints a stack trace when no opener exists, so the URL is taken from its banner.
const env = process.stdout.isTTY ? { ...process.env, FORCE_COLOR: '1' } : process.env;
const vite = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'dev', ...process.argv.slice(2)], {
	stdio: ['inherit', 'pipe', 'inherit'],
	env
});
let opened = false;
let pending = '';
vite.stdout.on('data', (chunk) => {
	process.stdout.write(chunk);
	if (opened) return;
	pending += chunk.toString();
	const m = /Local:\s+(https?:\/\/\S+)/.exec(pending.replace(ANSI, ''));
	if (!m) return;
	opened = true;
	pending = '';
	open(m[1]);
});
// Ctrl-C reaches both; a signal sent to this process alone must not leave the server running.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => vite.kill(sig));
vite.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
