// Every URL parameter of the page (docs/contracts.md), read and written here only, so a URL
// reopens the same view. Only what differs from the defaults is written, except layer and head.
import { parseBackend, type BackendChoice } from '$lib/worker/ep';
import type { InputOptions } from '$lib/worker/protocol';
import { DEFAULT_TEXT } from '$lib/runtime/inputs';
import type { Override } from '$lib/analysis/types';
import { defaultPartner } from '$lib/features/compare';
import { formatPerturb, parsePerturb, type Perturb } from '$lib/features/diff';
import { readWhatIf, writeWhatIf, type WhatIfParams } from '$lib/features/interventions';
import { parseScale, type AttentionScale } from '$lib/features/attention';
import { parseRoles, writeRoles } from './url-roles';

/** The overview's sections, one tab each (`?view=`). */
export const SECTIONS = ['attention', 'heads', 'tensors', 'stream', 'ffn', 'health'] as const;
export type Section = (typeof SECTIONS)[number];

export interface ViewParams {
	model: string | null;
	backend: BackendChoice;
	layer: number;
	head: number;
	input: InputOptions;
	capture: 'all' | 'semantic';
	/** A model opened from a local file: its name (a link cannot carry the file itself). */
	file?: string | null;
	/** The selected token, the pinned attention cell, the tensor in the tensor panel. */
	token?: number | null;
	pin?: { row: number; col: number } | null;
	tensor?: string | null;
	/** Role overrides from the role panel (`?roles=`, JSON). */
	roles?: Override[] | null;
	/** A model folder's variant (`?variant=model_q4`); null: its default. */
	variant?: string | null;
}

function index(v: string | null): number {
	const n = Number(v ?? 0);
	return Number.isInteger(n) && n >= 0 ? n : 0;
}

function optInt(v: string | null, min: number): number | undefined {
	if (v === null || v === '') return undefined;
	const n = Number(v);
	return Number.isInteger(n) && n >= min ? n : undefined;
}

export function readParams(params: URLSearchParams): ViewParams {
	const input: InputOptions = {};
	const text = params.get('text');
	if (text !== null) input.text = text;
	const ids = params.get('ids');
	if (ids) input.ids = ids;
	const seq = optInt(params.get('seq'), 1);
	if (seq !== undefined) input.seq = seq;
	const seed = optInt(params.get('seed'), 0);
	if (seed !== undefined) input.seed = seed;
	return {
		model: params.get('model') || null,
		backend: parseBackend(params.get('backend')),
		layer: index(params.get('layer')),
		head: index(params.get('head')),
		input,
		capture: params.get('capture') === 'semantic' ? 'semantic' : 'all',
		file: params.get('model') ? undefined : params.get('file') || undefined,
		token: optInt(params.get('token'), 0) ?? null,
		pin: cellOf(params.get('pin')),
		tensor: params.get('tensor') || null,
		roles: parseRoles(params.get('roles')),
		variant: params.get('variant') || undefined
	};
}

/** "ROW,COL" (0-based) -> a cell; anything else -> null. */
function cellOf(v: string | null): { row: number; col: number } | null {
	const m = /^(\d{1,7}),(\d{1,7})$/.exec(v ?? '');
	return m ? { row: Number(m[1]), col: Number(m[2]) } : null;
}

export function writeParams(v: ViewParams): URLSearchParams {
	const p = new URLSearchParams();
	if (v.model) p.set('model', v.model);
	else if (v.file) p.set('file', v.file);
	if (v.backend !== 'auto') p.set('backend', v.backend);
	p.set('layer', String(v.layer));
	p.set('head', String(v.head));
	if (v.input.text !== undefined && v.input.text !== DEFAULT_TEXT) p.set('text', v.input.text);
	if (v.input.ids) p.set('ids', v.input.ids);
	if (v.input.seq !== undefined) p.set('seq', String(v.input.seq));
	if (v.input.seed !== undefined) p.set('seed', String(v.input.seed));
	if (v.capture !== 'all') p.set('capture', v.capture);
	if (v.token !== undefined && v.token !== null) p.set('token', String(v.token));
	if (v.pin) p.set('pin', `${v.pin.row},${v.pin.col}`);
	if (v.tensor) p.set('tensor', v.tensor);
	const roles = writeRoles(v.roles);
	if (roles) p.set('roles', roles);
	if (v.variant) p.set('variant', v.variant);
	return p;
}

/** The whole page: the view, plus which page (compare, diff) and the memory budget. */
export interface PageParams extends ViewParams {
	/** `?compare=`: the compared zoo model (empty: the default partner); null: no compare view. */
	compare: string | null;
	/** `?diff=1`: the backend diff. */
	diff: boolean;
	/** Test only: one element of the diff's WebGPU side changed (`?perturb=INDEX,DELTA,TENSOR`). */
	perturb: Perturb | null;
	/** `?budget=` as written (checked where it is used, so a bad one is reported there). */
	budget: string | null;
	/** `?model=` was given but empty (a link copied from an uploaded file can give it). */
	emptyModel?: boolean;
	/** `?ablate=`, `?ablate_mean=`, `?zero=`, `?patch=`, `?patch_source=`: the what-if view; null: closed. */
	whatIf?: WhatIfParams | null;
	/** `?view=`: the overview's section the tabs last opened (scrolled to on load); null: the top. */
	view?: Section | null;
	/** `?scale=`: the attention heatmap's colour scale (fixed unless given). */
	scale?: AttentionScale;
	/** `?text_b=`, `?ids_b=`: run B's own inputs in the compare view and the diff; null: A's. */
	inputB?: InputOptions | null;
}

export function readPage(params: URLSearchParams): PageParams {
	const view = readParams(params);
	const cmp = params.get('compare');
	const page: PageParams = {
		...view,
		compare: cmp === null ? null : cmp || defaultPartner(view.model),
		diff: params.get('diff') === '1',
		perturb: parsePerturb(params.get('perturb')),
		budget: params.get('budget'),
		view: (SECTIONS as readonly string[]).includes(params.get('view') ?? '') ? (params.get('view') as Section) : null,
		scale: parseScale(params.get('scale')),
		whatIf: readWhatIf(params),
		inputB: readInputB(params)
	};
	if (params.get('model') === '' && !view.file) page.emptyModel = true;
	return page;
}

export function writePage(v: PageParams): URLSearchParams {
	const p = writeParams(v);
	if (v.compare !== null) p.set('compare', v.compare);
	if (v.budget) p.set('budget', v.budget);
	if (v.diff) p.set('diff', '1');
	if (v.diff && v.perturb) p.set('perturb', formatPerturb(v.perturb));
	writeWhatIf(p, v.whatIf ?? null);
	if (v.view) p.set('view', v.view);
	if (v.scale && v.scale !== 'fixed') p.set('scale', v.scale);
	if (v.inputB?.text !== undefined) p.set('text_b', v.inputB.text);
	if (v.inputB?.ids) p.set('ids_b', v.inputB.ids);
	return p;
}

function readInputB(params: URLSearchParams): InputOptions | null {
	const text = params.get('text_b');
	const ids = params.get('ids_b');
	if (ids) return { ids };
	return text !== null ? { text } : null;
}
