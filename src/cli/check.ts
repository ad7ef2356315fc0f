// Health and stats of one inspect run, computed once and shared by the JSON, the summary and
// `--check`.
import { health, healthProblems, modelStats, type Health, type ModelStats } from '../lib/report/index.js';
import type { InspectResult } from './run.js';

const healths = new WeakMap<InspectResult, Health>();
const stats = new WeakMap<InspectResult, ModelStats | null>();

export function healthOf(r: InspectResult): Health {
	let h = healths.get(r);
	if (!h) {
		h = health(r.graph, r.recognition.structure, r.store, { capture: r.capture, exposed: r.exposed });
		healths.set(r, h);
	}
	return h;
}

/** null when recognition failed (no layers to report on). */
export function statsOf(r: InspectResult): ModelStats | null {
	if (!stats.has(r)) {
		const s = r.recognition.structure;
		stats.set(r, s ? modelStats(s, r.store, r.graph) : null);
	}
	return stats.get(r)!;
}

/** Why `--check` fails; empty when it passes. */
export function checkProblems(r: InspectResult): string[] {
	return healthProblems(healthOf(r));
}
