// The worker's "what if": from the clean session, the run the edit needs (shapes, and run B for
// patches), the edit itself, and the logit lens and attribution of the run it then captures.
// No DOM: the worker calls it, and so can Node tests.
import type { Graph, ModelBuffer } from '../onnx/index.js';
import type { Structure } from '../analysis/index.js';
import { CaptureSession, type CaptureOptions, type OrtModule } from '../runtime/index.js';
import type { CapturedTensor } from '../tensor/index.js';
import { applyWireEdit, buildEdit, type EditEntry, type Intervention } from '../intervene/index.js';
import { attribute, logitLens, type Attribution, type LensPoint } from '../report/index.js';
import type { InputOptions } from './protocol.js';

export interface WhatIfRequest {
	interventions: Intervention[];
	/** Run B's inputs, for patches from a run. */
	source: InputOptions | null;
	lens: boolean;
	/**
	 * null: no attribution; target/position default to the top token at the last position. With
	 * a foil, the logit difference target - foil at that position, component by component.
	 */
	attribute: { target?: number; position?: number; foil?: number } | null;
}

/** The lens reads at most this many positions (the last ones): each is 3 x layers unembeddings. */
export const LENS_POSITIONS = 128;

export interface WhatIfResult {
	list: EditEntry[];
	lens: LensPoint[] | null;
	lensWhy: string | null;
	/** The lens's first position (top[i] is position lensFrom + i) and how many the run has. */
	lensFrom?: number;
	lensOf?: number;
	attribution: Attribution | null;
	/** The foil of a logit difference (attribution then holds target - foil); null: none. */
	attributionFoil?: number | null;
	attributionWhy: string | null;
}

export interface PreparedEdit {
	edit: (bytes: Uint8Array) => Uint8Array;
	list: EditEntry[];
}

/**
 * Runs the clean session (and run B) once for the shapes and patch values the edit needs, and
 * builds the edit. Throws with the intervention's own words when one cannot be done.
 */
export async function prepareWhatIf(
	session: CaptureSession,
	graph: Graph,
	structure: Structure | null,
	feeds: Record<string, CapturedTensor>,
	sourceFeeds: Record<string, CapturedTensor> | null,
	req: WhatIfRequest
): Promise<PreparedEdit> {
	if (!structure) throw new Error('Interventions need the recognized structure, and recognition failed.');
	if (!req.interventions.length) return { edit: (b) => b, list: [] };
	const clean = await session.run(feeds);
	const source = sourceFeeds ? await session.run(sourceFeeds) : null;
	const e = buildEdit({ graph, structure, interventions: req.interventions, clean, source });
	return { edit: (b) => applyWireEdit(b, e.wire), list: e.list };
}

/** The lens and attribution asked for, on the run's store (each with why it is missing). */
export function readouts(
	graph: Graph,
	structure: Structure | null,
	store: Parameters<typeof logitLens>[2],
	req: WhatIfRequest,
	list: EditEntry[],
	lensPositions = LENS_POSITIONS
): WhatIfResult {
	const out: WhatIfResult = { list, lens: null, lensWhy: null, attribution: null, attributionWhy: null };
	if (!structure) {
		out.lensWhy = out.attributionWhy = 'recognition failed';
		return out;
	}
	if (req.lens) {
		const S = sequenceOf(structure, store);
		const l = logitLens(graph, structure, store, 5, Math.max(0, S - lensPositions));
		if ('why' in l) out.lensWhy = l.why;
		else Object.assign(out, { lens: l.points, lensFrom: l.from, lensOf: S });
	}
	if (req.attribute) {
		const { foil, ...at } = req.attribute;
		const a = attribute(graph, structure, store, at);
		const b = 'why' in a || foil === undefined ? null : attribute(graph, structure, store, { target: foil, position: a.position });
		if ('why' in a) out.attributionWhy = a.why;
		else if (b && 'why' in b) out.attributionWhy = `the foil ${foil}: ${b.why}`;
		else out.attribution = b ? difference(a, b) : a;
		out.attributionFoil = b ? foil! : null;
	}
	return out;
}

/** The run's sequence length: the second-to-last axis of block 0's input (0: not captured). */
function sequenceOf(structure: Structure, store: Parameters<typeof logitLens>[2]): number {
	const t = store.get(structure.hookTensors.get('blocks.0.hook_resid_pre') ?? '');
	return t && t.dims.length >= 2 ? t.dims[t.dims.length - 2] : 0;
}

/** target - foil, component by component (the parts of a logit difference). */
function difference(a: Attribution, b: Attribution): Attribution {
	const other = new Map(b.components.map((c) => [c.name, c.value]));
	return {
		...a,
		logit: a.logit - b.logit,
		components: a.components.map((c) => ({ name: c.name, value: c.value - (other.get(c.name) ?? 0) })),
		sum: a.sum - b.sum
	};
}

/**
 * The session to keep for a what-if open: the clean one runs once for what the edit needs, is
 * released, and a session of the edited graph takes its place (same options).
 */
export async function editedSession(
	ort: OrtModule,
	clean: CaptureSession,
	bytes: ModelBuffer,
	graph: Graph,
	structure: Structure | null,
	options: CaptureOptions,
	feeds: Record<string, CapturedTensor>,
	sourceFeeds: Record<string, CapturedTensor> | null,
	req: WhatIfRequest
): Promise<{ session: CaptureSession } & PreparedEdit> {
	let prepared: PreparedEdit;
	try {
		prepared = await prepareWhatIf(clean, graph, structure, feeds, sourceFeeds, req);
	} finally {
		await clean.release().catch(() => undefined);
	}
	const session = await CaptureSession.create(ort, bytes, graph, { ...options, edit: prepared.edit });
	return { session, ...prepared };
}
