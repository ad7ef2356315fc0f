// ESLint as the SvelteKit template sets it up (@eslint/js, typescript-eslint, eslint-plugin-svelte,
// eslint-config-prettier: Prettier owns formatting), plus what this project's rules need:
// the one-way layering of src/lib, no markup or code from strings, and small files and functions.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

// Data flows one way: bytes -> graph -> structure -> captured tensors -> statistics -> pictures.
// A folder of src/lib may import its own row and the rows above it, never a row below. Folders on
// one row may import each other, except on a row marked `apart`.
const LAYERS = [
	{ folders: ['onnx', 'tensor', 'formats', 'model-folder', 'tokenizer'] },
	{ folders: ['analysis', 'runtime', 'stats', 'intervene'] },
	{ folders: ['derive'] }, // tensors recomputed from a run's captured operands and the structure
	{ folders: ['report'] },
	{ folders: ['worker', 'viz'], apart: true },
	{ folders: ['components', 'features', 'app'] }
];
// The CLI runs in Node: it may use what the worker uses (the rows above it), nothing that needs a DOM.
const CLI_SEES = LAYERS.findIndex((l) => l.folders.includes('worker'));
// Deep enough for every folder under src/lib (runtime/node, formats/zip, features/*).
const MAX_DEPTH = 5;

const SOURCE = '{ts,js,svelte}';
const esc = (s) => s.replace(/[$.]/g, '\\$&');
const up = (n) => esc('../'.repeat(n));

/** `no-restricted-imports` patterns for a file `depth` folders below `root` (`lib` or `src`). */
function forbid(targets, depth, root, why) {
	const patterns = [];
	if (targets.length) {
		const lib = root === 'lib' ? [esc('$lib/'), up(depth), `${up(depth + 1)}lib/`] : [esc('$lib/'), `${up(depth)}lib/`];
		patterns.push({ regex: `^(?:${lib.join('|')})(?:${targets.join('|')})(?:/|$)`, message: why(targets) });
	}
	// src/routes composes the page; nothing it holds is a library.
	const routes = root === 'lib' ? `${up(depth + 1)}routes` : `${up(depth)}routes`;
	patterns.push({ regex: `^${routes}(?:/|$)`, message: 'src/routes composes the page: move what you need into src/lib.' });
	return ['error', { patterns }];
}

function layerRules() {
	const configs = [];
	const above = (i) => LAYERS.slice(i + 1).flatMap((l) => l.folders);
	LAYERS.forEach((layer, i) => {
		for (const folder of layer.folders) {
			const siblings = layer.apart ? layer.folders.filter((f) => f !== folder) : [];
			const targets = [...siblings, ...above(i)];
			const why = (t) =>
				`src/lib/${folder} may not import ${t.join(', ')} (data flows one way: LAYERS in eslint.config.js); ` +
				'move the shared piece down, or pass the value in.';
			for (let depth = 1; depth <= MAX_DEPTH; depth++) {
				const files = [`src/lib/${folder}/${'*/'.repeat(depth - 1)}*.${SOURCE}`];
				configs.push({
					name: `blockscope/layers/${folder}/${depth}`,
					files,
					rules: { 'no-restricted-imports': forbid(targets, depth, 'lib', why) }
				});
			}
		}
	});
	const cliTargets = LAYERS.slice(CLI_SEES).flatMap((l) => l.folders);
	const cliWhy = (t) => `src/cli runs in Node without a DOM: it may not import ${t.join(', ')}.`;
	for (let depth = 1; depth <= MAX_DEPTH; depth++) {
		const files = [`src/cli/${'*/'.repeat(depth - 1)}*.${SOURCE}`];
		configs.push({
			name: `blockscope/layers/cli/${depth}`,
			files,
			rules: { 'no-restricted-imports': forbid(cliTargets, depth, 'src', cliWhy) }
		});
	}
	return configs;
}

// A new folder of src/lib has to be placed in LAYERS before its imports are checked.
const placed = new Set(LAYERS.flatMap((l) => l.folders));
const local = {
	rules: {
		'placed-in-layers': {
			meta: {
				type: 'problem',
				schema: [],
				messages: { unplaced: 'src/lib/{{folder}} is not in LAYERS (eslint.config.js): add it to the row it belongs to.' }
			},
			create(context) {
				const m = /(?:^|\/)src\/lib\/([^/]+)\//.exec(context.filename.replaceAll('\\', '/'));
				if (!m || placed.has(m[1])) return {};
				return { Program: (node) => context.report({ node, messageId: 'unplaced', data: { folder: m[1] } }) };
			}
		}
	}
};

// Model names and metadata are hostile: they reach the page as text, never as markup or code.
const TEXT_ONLY = 'Model strings are hostile: set text (textContent, d3 .text(), {expr}), never markup.';
const security = {
	name: 'blockscope/security',
	files: [`src/**/*.${SOURCE}`],
	rules: {
		'svelte/no-at-html-tags': 'error',
		'no-eval': 'error',
		'no-implied-eval': 'error',
		'no-new-func': 'error',
		'no-restricted-properties': [
			'error',
			{ property: 'innerHTML', message: TEXT_ONLY },
			{ property: 'outerHTML', message: TEXT_ONLY },
			{ property: 'insertAdjacentHTML', message: TEXT_ONLY },
			{ property: 'createContextualFragment', message: TEXT_ONLY },
			{ property: 'srcdoc', message: TEXT_ONLY },
			{ object: 'document', property: 'write', message: TEXT_ONLY },
			{ object: 'document', property: 'writeln', message: TEXT_ONLY }
		],
		'no-restricted-syntax': [
			'error',
			{ selector: "CallExpression[callee.property.name='html']", message: `d3 .html(): ${TEXT_ONLY}` },
			{
				selector: "CallExpression[callee.property.name='setAttribute'][arguments.0.value=/^(on|srcdoc$)/i]",
				message: `An event-handler or srcdoc attribute from a string: ${TEXT_ONLY}`
			},
			{ selector: "SvelteDirective[kind='Binding'][key.name.name=/^(innerHTML|outerHTML)$/]", message: TEXT_ONLY },
			{ selector: "SvelteAttribute[key.name='srcdoc']", message: TEXT_ONLY },
			{
				selector: 'CallExpression[callee.name=/^(fetch|importScripts)$/] > Literal.arguments[value=/^(https?:)?\\/\\//]',
				message: 'No request leaves the app origin (the CSP allows only self): serve the file from the app.'
			},
			{
				selector: 'NewExpression[callee.name=/^(WebSocket|EventSource)$/]',
				message: 'No request leaves the app origin (the CSP allows only self).'
			}
		]
	}
};

// Small pieces: a file or function over these needs an `eslint-disable-next-line ... -- why`.
const size = {
	name: 'blockscope/size',
	files: [`src/**/*.${SOURCE}`],
	rules: {
		'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
		'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }]
	}
};

export default defineConfig(
	globalIgnores([
		'build/',
		'.svelte-kit/',
		'node_modules/',
		'test-results/',
		'playwright-report/',
		'coverage/',
		'src/lib/onnx/gen/',
		'models/train/'
	]),
	js.configs.recommended,
	ts.configs.recommended,
	svelte.configs.recommended,
	prettier,
	svelte.configs.prettier,
	{
		languageOptions: {
			globals: { ...globals.browser, ...globals.node },
			parserOptions: { extraFileExtensions: ['.svelte'] }
		},
		rules: {
			// TypeScript checks names itself (npm run check); ESLint's copy knows no DOM/TS types.
			'no-undef': 'off'
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: {
			parserOptions: { projectService: true, parser: ts.parser, svelteConfig }
		}
	},
	{
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
			// Escaping hostile names matches control characters on purpose (every hit was such code).
			'no-control-regex': 'off',
			// The app only replaces the query of the current path (location.pathname carries the base).
			'svelte/no-navigation-without-resolve': ['error', { ignoreReplaceState: true }]
		}
	},
	{
		// Playwright reads a fixture's dependencies from its first parameter, `{}` when there are none.
		files: ['tests/e2e/**'],
		rules: { 'no-empty-pattern': ['error', { allowObjectPatternsAsParameters: true }] }
	},
	security,
	size,
	{
		name: 'blockscope/placed',
		files: [`src/lib/**/*.${SOURCE}`],
		plugins: { blockscope: local },
		rules: { 'blockscope/placed-in-layers': 'error' }
	},
	layerRules()
);
