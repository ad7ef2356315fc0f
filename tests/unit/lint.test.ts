// The lint rules that keep model strings out of markup and code, and keep src/lib's layers one-way
// (eslint.config.js), run on samples: each forbidden form is reported by the rule meant for it,
// and the allowed forms next to it are not. `npm run lint` then holds the whole tree to them.
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const eslint = new ESLint({ cwd: ROOT });

/** The rules reported for `code` as if it were the file at `filePath` (relative to the repo). */
async function rules(filePath: string, code: string): Promise<string[]> {
	const [r] = await eslint.lintText(code, { filePath });
	const fatal = r.messages.find((m) => m.fatal);
	if (fatal) throw new Error(`${filePath}: ${fatal.message}`);
	return r.messages.map((m) => `${m.line}: ${m.ruleId}`);
}

describe('no markup or code from strings in src/', () => {
	const ts = 'src/lib/viz/sample.ts';

	it('reports innerHTML, outerHTML, insertAdjacentHTML and document.write', async () => {
		const code = [
			'export function f(el: HTMLElement, s: string) {',
			'\tel.innerHTML = s;',
			'\tel.outerHTML = s;',
			"\tel.insertAdjacentHTML('beforeend', s);",
			'\tdocument.write(s);',
			'\tel.textContent = s;',
			'}'
		].join('\n');
		expect(await rules(ts, code)).toEqual([2, 3, 4, 5].map((l) => `${l}: no-restricted-properties`));
	});

	it("reports d3's .html(), handler attributes and srcdoc, not .text() or other attributes", async () => {
		const code = [
			"import { select } from 'd3-selection';",
			'export function f(s: string, frame: HTMLIFrameElement) {',
			"\tselect('p').html(s);",
			"\tselect('p').text(s).attr('title', s);",
			"\tframe.setAttribute('onload', s);",
			"\tframe.setAttribute('title', s);",
			'\tframe.srcdoc = s;',
			'}'
		].join('\n');
		expect(await rules(ts, code)).toEqual(['3: no-restricted-syntax', '5: no-restricted-syntax', '7: no-restricted-properties']);
	});

	it('reports eval, new Function and a string given to setTimeout, not a function', async () => {
		const code = [
			'export function f(s: string) {',
			'\teval(s);',
			'\tconst g = new Function(s);',
			"\tsetTimeout('g()', 1);",
			'\tsetTimeout(() => g(), 1);',
			'}'
		].join('\n');
		expect(await rules(ts, code)).toEqual(['2: no-eval', '3: no-new-func', '4: no-implied-eval']);
	});

	it('reports a fetch off the origin, not one of the app', async () => {
		const code = ["export const a = () => fetch('https://example.com/m.onnx');", "export const b = () => fetch('models/index.json');"].join(
			'\n'
		);
		expect(await rules(ts, code)).toEqual(['1: no-restricted-syntax']);
	});

	it('reports {@html}, bind:innerHTML and srcdoc in a Svelte template, not {text}', async () => {
		const code = [
			'<script lang="ts">',
			'\tlet { s }: { s: string } = $props();',
			'</script>',
			'',
			'{@html s}',
			'<div contenteditable bind:innerHTML={s}></div>',
			'<iframe srcdoc={s} title="x"></iframe>',
			'<p title={s}>{s}</p>'
		].join('\n');
		// Linted as an existing component: the TypeScript project service only knows files on disk.
		const component = readdirSync(join(ROOT, 'src/lib/components')).find((f) => f.endsWith('.svelte'));
		expect(await rules(`src/lib/components/${component}`, code)).toEqual([
			'5: svelte/no-at-html-tags',
			'6: no-restricted-syntax',
			'7: no-restricted-syntax'
		]);
	});
});

describe('src/lib imports only downwards', () => {
	const imports = (...from: string[]) =>
		from.map((f, i) => `import x${i} from '${f}';`).join('\n') + `\nexport default [${from.map((_, i) => `x${i}`)}];`;

	it('onnx may not import viz, report or the routes; its own folder and tensor are fine', async () => {
		const code = imports('../viz/paint.js', '$lib/report', '../../routes/+page.svelte', './graph.js', '../tensor/store.js', '$lib/formats');
		expect(await rules('src/lib/onnx/sample.ts', code)).toEqual([
			'1: no-restricted-imports',
			'2: no-restricted-imports',
			'3: no-restricted-imports'
		]);
	});

	it('counts ../ from the file: runtime/node may import ../../stats, not ../../worker', async () => {
		// '../viz/x.js' from runtime/node is runtime/viz, not the viz layer.
		const code = imports('../../worker/protocol.js', '../viz/x.js', '../../stats/index.js', '../capture.js');
		expect(await rules('src/lib/runtime/node/sample.ts', code)).toEqual(['1: no-restricted-imports']);
	});

	it('worker and viz never import each other; both may import report', async () => {
		expect(await rules('src/lib/worker/sample.ts', imports('../viz/paint.js', '../report/index.js'))).toEqual(['1: no-restricted-imports']);
		expect(await rules('src/lib/viz/sample.ts', imports('$lib/worker/client', '../report/index.js', '../app/url.js'))).toEqual([
			'1: no-restricted-imports',
			'3: no-restricted-imports'
		]);
	});

	it('features may import every layer below', async () => {
		const code = imports('$lib/worker/client', '$lib/viz/paint', '$lib/components/Heatmap.svelte', '../../app/url.js', '../charts/x.js');
		expect(await rules('src/lib/features/diff/sample.ts', code)).toEqual([]);
	});

	it('the CLI may not import what needs a DOM', async () => {
		const code = imports('../lib/viz/paint.js', '$lib/worker/client', '../lib/report/index.js', '../lib/runtime/capture.js');
		expect(await rules('src/cli/sample.ts', code)).toEqual(['1: no-restricted-imports', '2: no-restricted-imports']);
	});

	it('a folder of src/lib that is not in LAYERS is reported', async () => {
		expect(await rules('src/lib/unplaced-sample/a.ts', 'export const a = 1;\n')).toEqual(['1: blockscope/placed-in-layers']);
	});
});
