// inspect's "what if": the clean run (and run B for patches), then the run with the interventions
// as a graph edit; the logit lens and direct logit attribution on the run reported.
import { readFile } from 'node:fs/promises';
import { applyWireEdit, buildEdit, type EditEntry } from '../lib/intervene/index.js';
import { decodeNpy, NpyError } from '../lib/formats/npy.js';
import { fileError } from '../lib/runtime/node/model-file.js';
import { logitLens } from '../lib/report/lens.js';
import { attribute } from '../lib/report/attribution.js';
import { floatsOf } from '../lib/report/numeric.js';
import type { CapturedTensor } from '../lib/tensor/store.js';
import { inspectModel, type InspectOptions, type InspectResult } from './run.js';
import type { Section } from './report.js';
import type { WhatIfArgs } from './what-if-args.js';
import { UsageError } from './errors.js';

export interface WhatIf {
	r: InspectResult;
	/** intervention, lens, attribution: fields for the JSON (only those asked for). */
	section: Section;
	summary: string[];
}

async function npyFile(flag: string, file: string): Promise<CapturedTensor> {
	const bytes = await readFile(file).catch((e: NodeJS.ErrnoException) => {
		throw fileError(file, e);
	});
	try {
		const a = decodeNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
		return { name: file, dims: a.dims, dtype: a.dtype, data: a.data };
	} catch (e) {
		if (e instanceof NpyError) throw new UsageError(`${flag} ${file}: ${e.message}`);
		throw e;
	}
}

/** Largest |intervened - clean| over the graph outputs (null when one is missing or not float). */
function outputDiff(r: InspectResult, clean: InspectResult): { name: string; max_abs_diff: number | null }[] {
	return r.graph.outputs.map(({ name }) => {
		const a = r.store.get(name),
			b = clean.store.get(name);
		const x = a ? floatsOf(a) : null,
			y = b ? floatsOf(b) : null;
		if (!x || !y || x.length !== y.length) return { name, max_abs_diff: null };
		let m = 0;
		for (let i = 0; i < x.length; i++) m = Math.max(m, x[i] === y[i] ? 0 : Math.abs(x[i] - y[i]));
		return { name, max_abs_diff: m };
	});
}

async function intervened(opts: InspectOptions, w: WhatIfArgs): Promise<{ r: InspectResult; list: EditEntry[]; clean: InspectResult }> {
	// The clean run (and run B) capture everything, so every target's shape and value is known.
	const clean = await inspectModel({ ...opts, capture: 'all' });
	const source = w.source
		? await inspectModel({ ...opts, capture: 'all', text: w.source.text, ids: w.source.ids, inputs: w.source.inputs })
		: null;
	const files = new Map<string, CapturedTensor>();
	for (const f of w.patchFiles) files.set(f.hook, await npyFile('--patch-file', f.file));
	let list: EditEntry[] = [];
	const r = await inspectModel({
		...opts,
		edit: (graph, structure) => {
			if (!structure)
				throw new UsageError('interventions need the recognized structure, and the analysis failed (see --json unrecognized)');
			const e = buildEdit({ graph, structure, interventions: w.interventions, clean: clean.store, source: source?.store, files });
			list = e.list;
			return (bytes) => applyWireEdit(bytes, e.wire);
		}
	});
	return { r, list, clean };
}

export async function inspectWhatIf(opts: InspectOptions, w: WhatIfArgs): Promise<WhatIf> {
	const fields: Record<string, unknown> = {};
	const summary: string[] = [];
	let r: InspectResult;
	if (w.interventions.length) {
		const run = await intervened(opts, w);
		r = run.r;
		const outputs = outputDiff(r, run.clean);
		const worst = outputs.reduce<number | null>((m, o) => (o.max_abs_diff === null ? m : Math.max(m ?? 0, o.max_abs_diff)), null);
		fields.intervention = { list: run.list, clean_output_max_abs_diff: worst, outputs };
		summary.push(
			`interventions: ${run.list.map((e) => `${e.kind} ${e.spec}`).join(', ')}; outputs moved by at most ${worst ?? 'n/a'} from the clean run`
		);
	} else r = await inspectModel(opts);
	const s = r.recognition.structure;
	if (w.lens) {
		const lens = s ? logitLens(r.graph, s, r.store) : { why: 'the structure analysis failed' };
		fields.lens = 'why' in lens ? null : lens.points;
		if ('why' in lens) fields.lens_why = lens.why;
		else if (lens.missing.length) fields.lens_missing = lens.missing;
		summary.push(
			'why' in lens
				? `logit lens: unavailable (${lens.why})`
				: `logit lens: ${lens.points.length} points x ${lens.points[0]?.top.length ?? 0} positions`
		);
	}
	if (w.attribute !== null) {
		const opt = { target: w.attribute === 'top' ? undefined : w.attribute, position: w.position };
		const a = s ? attribute(r.graph, s, r.store, opt) : { why: 'the structure analysis failed' };
		fields.attribution = 'why' in a ? null : a;
		if ('why' in a) {
			fields.attribution_why = a.why;
			summary.push(`attribution: unavailable (${a.why})`);
			return { r, section: () => fields, summary };
		}
		const top = [...a.components].sort((x, y) => Math.abs(y.value) - Math.abs(x.value)).slice(0, 5);
		summary.push(
			`attribution of token ${a.target} at position ${a.position}: logit ${a.logit.toFixed(4)} = sum ${a.sum.toFixed(4)}; largest ${top.map((c) => `${c.name} ${c.value.toFixed(3)}`).join(', ')}`
		);
	}
	return { r, section: () => fields, summary };
}
