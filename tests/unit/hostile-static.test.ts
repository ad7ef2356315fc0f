// Nothing in src/ turns a string into markup or code: model names, metadata and error messages can
// only ever reach the page as text. A static check over every source file (issue 8, "Security").
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '../..');
const SRC = join(ROOT, 'src');

// The generated protobuf code is data, not DOM code, but it is scanned like the rest.
const FORBIDDEN: [RegExp, string][] = [
	[/\binnerHTML\b/, 'innerHTML'],
	[/\bouterHTML\b/, 'outerHTML'],
	[/\binsertAdjacentHTML\b/, 'insertAdjacentHTML'],
	[/\{@html\b/, '{@html}'],
	[/\.html\s*\(/, 'd3 .html()'],
	[/\bdocument\.write(?:ln)?\s*\(/, 'document.write'],
	[/\bcreateContextualFragment\b/, 'createContextualFragment'],
	[/\bsrcdoc\b/, 'srcdoc'],
	[/(?<![\w.])eval\s*\(/, 'eval()'],
	[/\bnew\s+Function\s*\(/, 'new Function()'],
	[/\bsetTimeout\s*\(\s*['"`]/, 'setTimeout with a string']
];

function files(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return files(path);
		return /\.(ts|js|mjs|svelte|html)$/.test(name) ? [path] : [];
	});
}

describe('no markup or code from strings in src/', () => {
	const all = files(SRC);

	it('scans the whole source tree', () => {
		expect(all.length).toBeGreaterThan(20);
		expect(all.some((f) => f.endsWith('.svelte'))).toBe(true);
	});

	it('has no innerHTML, {@html}, .html(, eval or anything like them', () => {
		const hits: string[] = [];
		for (const f of all) {
			const lines = readFileSync(f, 'utf8').split('\n');
			lines.forEach((line, i) => {
				for (const [re, what] of FORBIDDEN) if (re.test(line)) hits.push(`${relative(ROOT, f)}:${i + 1}: ${what}: ${line.trim()}`);
			});
		}
		expect(hits).toEqual([]);
	});

	it('the check itself catches each form', () => {
		const samples = ['el.innerHTML = name', '{@html name}', "d3.select('p').html(name)", 'eval(code)', 'new Function(code)', "setTimeout('x()', 1)"];
		for (const s of samples) expect(FORBIDDEN.some(([re]) => re.test(s)), s).toBe(true);
		for (const s of ['el.textContent = name', 'sel.text(name)', 'retrieval(x)', 'medieval (x)']) expect(FORBIDDEN.some(([re]) => re.test(s)), s).toBe(false);
	});
});

describe('offline: the service worker caches what the build serves', () => {
	it("its list of onnxruntime files is the one scripts/vite-assets.ts emits under /ort/", () => {
		const list = (file: string) => {
			const m = /const ORT_FILES\s*=\s*\[([^\]]*)\]/.exec(readFileSync(join(ROOT, file), 'utf8'));
			return m ? [...m[1].matchAll(/'([^']+)'/g)].map((x) => x[1]) : null;
		};
		const sw = list('src/service-worker.ts');
		expect(sw).not.toBeNull();
		expect(sw!.length).toBeGreaterThan(0);
		expect(sw).toEqual(list('scripts/vite-assets.ts'));
	});
});
