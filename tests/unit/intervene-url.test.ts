// The what-if view's URL keys and entries: read, written back, parsed into interventions.
import { describe, expect, it } from 'vitest';
import { readWhatIf, writeWhatIf } from '../../src/lib/features/interventions/url';
import { parseEntries } from '../../src/lib/features/interventions/interventions.svelte';

describe('what-if URL', () => {
	it('reads the keys into entries and writes them back', () => {
		const p = new URLSearchParams('model=pre-ln&ablate=0.1,1.3&zero=blocks.1.mlp&patch=blocks.0.hook_resid_mid@pos=3&patch_source=a+dog');
		const w = readWhatIf(p)!;
		expect(w.entries).toEqual([
			{ kind: 'ablate', spec: '0.1' },
			{ kind: 'ablate', spec: '1.3' },
			{ kind: 'zero', spec: 'blocks.1.mlp' },
			{ kind: 'patch', spec: 'blocks.0.hook_resid_mid@pos=3' }
		]);
		expect(w.source).toBe('a dog');
		const out = new URLSearchParams();
		writeWhatIf(out, w);
		expect(readWhatIf(out)).toEqual(w);
		expect(readWhatIf(new URLSearchParams('model=pre-ln'))).toBeNull();
		// An open view with nothing in it stays open.
		const empty = new URLSearchParams();
		writeWhatIf(empty, { entries: [], source: '' });
		expect(readWhatIf(empty)).toEqual({ entries: [], source: '' });
	});

	it('parses entries, and names the first bad one', () => {
		const ok = parseEntries([
			{ kind: 'ablate_mean', spec: '2.0' },
			{ kind: 'patch', spec: 'blocks.1.attn.hook_z@head=2' }
		]);
		expect(ok.bad).toBeNull();
		expect(ok.list).toEqual([
			{ kind: 'ablate', layer: 2, head: 0, mode: 'mean' },
			{ kind: 'patch', hook: 'blocks.1.attn.hook_z', position: null, head: 2, source: 'run' }
		]);
		const bad = parseEntries([{ kind: 'zero', spec: 'blocks.1.ffn' }]);
		expect(bad.bad?.why).toMatch(/blocks.LAYER.attn/);
	});
});
