// The what-if view's URL keys and entries: read, written back, parsed into interventions.
import { describe, expect, it } from 'vitest';
import { readWhatIf, toggleEntry, writeWhatIf } from '../../src/lib/features/interventions/url';
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

	it('carries the attribution target and foil picked in the lens', () => {
		const w = readWhatIf(new URLSearchParams('ablate=0.1&attribute=12@pos=5&attribute_foil=30'))!;
		expect(w.target).toEqual({ id: 12, position: 5, foil: 30 });
		const out = new URLSearchParams();
		writeWhatIf(out, w);
		expect(out.get('attribute')).toBe('12@pos=5');
		expect(out.get('attribute_foil')).toBe('30');
		expect(readWhatIf(out)).toEqual(w);
		// No foil, and a malformed target is ignored (the default target then).
		expect(readWhatIf(new URLSearchParams('ablate=&attribute=12@pos=5'))!.target).toEqual({ id: 12, position: 5, foil: null });
		expect(readWhatIf(new URLSearchParams('ablate=&attribute=12'))!.target).toBeUndefined();
	});

	it('toggles an entry in and out (the head grid and flow toggles), opening the view', () => {
		const on = toggleEntry(null, { kind: 'ablate', spec: '1.1' });
		expect(on).toEqual({ entries: [{ kind: 'ablate', spec: '1.1' }], source: '' });
		const two = toggleEntry({ ...on, source: 'b' }, { kind: 'zero', spec: 'blocks.0.mlp' });
		expect(two.entries).toHaveLength(2);
		expect(toggleEntry(two, { kind: 'ablate', spec: '1.1' })).toEqual({ entries: [{ kind: 'zero', spec: 'blocks.0.mlp' }], source: 'b' });
	});
});
