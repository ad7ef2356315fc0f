// The what-if view's URL keys: `?ablate=0.1,1.3`, `?ablate_mean=2.0`, `?zero=blocks.1.mlp`,
// `?patch=blocks.1.hook_resid_mid@pos=3` and run B's text `?patch_source=`. The view is open when
// any of them is present (`?ablate=` alone opens it empty). `?attribute=ID@pos=P` and
// `?attribute_foil=ID`: the attribution's target (and foil) picked in the lens.
import { parseBranches, parseHeads, parsePatches, type Intervention } from '$lib/intervene';

export type Kind = 'ablate' | 'ablate_mean' | 'zero' | 'patch';
export const KINDS: Kind[] = ['ablate', 'ablate_mean', 'zero', 'patch'];

/** One intervention as the view lists it: its kind and its short spelling (`0.1`, `blocks.1.mlp`). */
export interface Entry {
	kind: Kind;
	spec: string;
}

export interface WhatIfParams {
	entries: Entry[];
	/** Run B's text, for patches. */
	source: string;
	/** The attribution's target chosen in the lens (`?attribute=ID@pos=P`, `?attribute_foil=ID`); absent: the top token at the last position. */
	target?: Target | null;
}

/** A token at a position, and the foil of a logit difference (target minus foil), or null. */
export interface Target {
	id: number;
	position: number;
	foil: number | null;
}

function readTarget(p: URLSearchParams): Target | null {
	const m = /^(\d+)@pos=(\d+)$/.exec(p.get('attribute') ?? '');
	const foil = /^\d+$/.test(p.get('attribute_foil') ?? '') ? Number(p.get('attribute_foil')) : null;
	return m ? { id: Number(m[1]), position: Number(m[2]), foil } : null;
}

/** The entry added, or removed where it is listed already (the head grid's and flow's toggles). */
export function toggleEntry(w: WhatIfParams | null, e: Entry): WhatIfParams {
	const base = w ?? { entries: [], source: '' };
	const on = base.entries.some((x) => x.kind === e.kind && x.spec === e.spec);
	return { ...base, entries: on ? base.entries.filter((x) => x.kind !== e.kind || x.spec !== e.spec) : [...base.entries, e] };
}

export function readWhatIf(p: URLSearchParams): WhatIfParams | null {
	if (!KINDS.some((k) => p.has(k)) && !p.has('patch_source')) return null;
	const entries = KINDS.flatMap((kind) =>
		(p.get(kind) ?? '')
			.split(',')
			.map((s) => s.trim())
			.filter(Boolean)
			.map((spec) => ({ kind, spec }))
	);
	const target = readTarget(p);
	return { entries, source: p.get('patch_source') ?? '', ...(target ? { target } : {}) };
}

export function writeWhatIf(p: URLSearchParams, w: WhatIfParams | null): void {
	if (!w) return;
	for (const k of KINDS) {
		const specs = w.entries.filter((e) => e.kind === k).map((e) => e.spec);
		if (specs.length || (k === 'ablate' && !w.entries.length)) p.set(k, specs.join(','));
	}
	if (w.source) p.set('patch_source', w.source);
	if (w.target) p.set('attribute', `${w.target.id}@pos=${w.target.position}`);
	if (w.target && w.target.foil !== null) p.set('attribute_foil', String(w.target.foil));
}

/** The entry as an intervention; throws InterventionError with what to write instead. */
export function interventionOf(e: Entry): Intervention {
	const one = (list: Intervention[]) => {
		if (list.length !== 1) throw new Error(`"${e.spec}": one intervention per entry`);
		return list[0];
	};
	if (e.kind === 'ablate') return one(parseHeads(e.spec, 'zero'));
	if (e.kind === 'ablate_mean') return one(parseHeads(e.spec, 'mean'));
	if (e.kind === 'zero') return one(parseBranches(e.spec));
	return one(parsePatches(e.spec, 'run'));
}
