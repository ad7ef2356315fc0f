#!/usr/bin/env node
// `npm run screenshots`: the docs' pictures, regenerated, never drawn by hand. Builds the app,
// serves it and runs tests/e2e/screenshot.spec.ts in Chromium (through scripts/test.mjs, so the
// same browser and build as the tests), which writes docs/screenshot.png, docs/heads.png and
// docs/screenshots/VIEW-WIDTH.png; then writes docs/screenshots/README.md, the table of them
// (`npm run screenshots -- --index`: the table alone).
// Others building into build/ at the same time: run it under the e2e lock
// (flock /tmp/blockscope-e2e.lock npm run screenshots).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';

const DIR = 'docs/screenshots';
// Views as the page names them, in the tabs' order.
const VIEWS = [
	['attention', 'Attention (the heatmap, its readout and the key hints)'],
	['tensors', 'Tensors (the list and a selected tensor)'],
	['stream', 'Residual & norms'],
	['ffn', 'FFN'],
	['health', 'Health (the broken-FFN zoo member)'],
	['compare', 'Compare models (pre-LN vs post-LN)'],
	['diff', 'WebGPU vs WASM diff'],
	['whatif', 'What if… (layer 1’s head 2 zero-ablated, `?ablate=0.1`)']
];
const WIDTHS = [800, 1366, 1920];

mkdirSync(DIR, { recursive: true });
// --index: only the table, from the pictures there (no build, no browser).
const indexOnly = process.argv.includes('--index');
const env = { ...process.env, BLOCKSCOPE_SCREENSHOT: '1' };
const args = process.argv.slice(2).filter((a) => a !== '--index');
const r = indexOnly
	? { status: 0 }
	: spawnSync(process.execPath, ['scripts/test.mjs', '--e2e-only', '--', '--project=wasm', 'tests/e2e/screenshot.spec.ts', ...args], {
			stdio: 'inherit',
			env
		});
if (r.status !== 0) {
	console.error('blockscope screenshots: the screenshot spec failed (above); docs/screenshots/README.md left as it was.');
	process.exit(r.status ?? 1);
}

const have = new Set(readdirSync(DIR));
const kib = (f) => `${Math.round(statSync(`${DIR}/${f}`).size / 1024)} KiB`;
const cell = (v, w) => (have.has(`${v}-${w}.png`) ? `[${w} px](${v}-${w}.png) (${kib(`${v}-${w}.png`)})` : 'missing');
const rows = VIEWS.map(([v, what]) => `| ${what} | ${WIDTHS.map((w) => cell(v, w)).join(' | ')} |`);
writeFileSync(
	`${DIR}/README.md`,
	`# Screenshots: each view at each width

Written by \`npm run screenshots\` (scripts/screenshots.mjs runs tests/e2e/screenshot.spec.ts in
Chromium against a production build, light scheme, on the zoo's trained pre-LN model unless said);
regenerate them after a change to the page, never edit them by hand. Each picture is the view's own
box in a window that wide (800x900, 1366x768, 1920x1080). The whole page at 1366x768 is
[../screenshot.png](../screenshot.png).

| view | ${WIDTHS.map((w) => `${w} px`).join(' | ')} |
| --- | ${WIDTHS.map(() => '---').join(' | ')} |
${rows.join('\n')}
`
);
const missing = VIEWS.flatMap(([v]) => WIDTHS.filter((w) => !have.has(`${v}-${w}.png`)).map((w) => `${v}-${w}`));
console.log(
	`blockscope screenshots: ${VIEWS.length * WIDTHS.length - missing.length} pictures in ${DIR}${missing.length ? `; missing ${missing.join(', ')}` : ''}.`
);
if (missing.length || !existsSync('docs/screenshot.png')) process.exit(1);
