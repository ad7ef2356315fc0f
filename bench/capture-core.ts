// The capture-cost loop, shared by Node and the Chromium page: one session per capture set, all
// open at once, runs interleaved round by round (the order rotates each round), so a noisy
// neighbour slows every set alike. A set's ratio is the median over rounds of its time divided by
// the plain run's time in the same round.
import type { CaptureSet } from '../src/lib/runtime/capture.js';
import { median, round } from './stats.js';

export interface Runner {
	set: CaptureSet;
	exposed: number;
	/** One run; resolves to the bytes of every tensor it returned. */
	run(): Promise<number>;
	release(): Promise<void>;
}

export interface SetTiming {
	set: CaptureSet;
	exposed: number;
	captured_mb: number;
	median_ms: number;
	runs_ms: number[];
	/** Median over rounds of this set's time / the plain time of the same round (1 for plain). */
	ratio: number | null;
	/** Why this set was not measured (creating or running it failed). */
	skipped?: string;
}

export interface CaptureTiming {
	warmup: number;
	reps: number;
	batch: number;
	sets: SetTiming[];
}

export type Opener = (set: CaptureSet) => Promise<Runner>;

const now = () => performance.now();

export interface Warmup {
	/** At least this many warm-up rounds (every set runs once per round)... */
	rounds: number;
	/** ...and at least this long: WASM code tiers up in the background, slowly on two busy cores. */
	ms: number;
}

/**
 * `batch`: runs per timed sample (the sample is their mean). Tiny models run in a millisecond or
 * two, where one descheduling on a busy machine is worth ten runs; batching evens that out.
 */
export async function timeCapture(open: Opener, sets: readonly CaptureSet[], warmup: Warmup, reps: number, batch = 1): Promise<CaptureTiming> {
	const runners: Runner[] = [];
	const skipped = new Map<CaptureSet, string>();
	const bytes = new Map<CaptureSet, number>();
	const attempt = async (r: Runner): Promise<number | null> => {
		try {
			const b = await r.run();
			bytes.set(r.set, b);
			return b;
		} catch (e) {
			if (r.set === 'none') throw e;
			skipped.set(r.set, message(e));
			return null;
		}
	};
	try {
		for (const set of sets) {
			try {
				runners.push(await open(set));
			} catch (e) {
				if (set === 'none') throw e;
				skipped.set(set, message(e));
			}
		}
		// Warm-up: first runs grow the WASM heap, fault pages in, compile shaders, tier code up.
		const w0 = now();
		for (let round = 0; round < warmup.rounds || now() - w0 < warmup.ms; round++)
			for (const r of runners) if (!skipped.has(r.set)) await attempt(r);
		const times = new Map<CaptureSet, number[]>(runners.map((r) => [r.set, []]));
		const ratios = new Map<CaptureSet, number[]>(runners.map((r) => [r.set, []]));
		for (let round = 0; round < reps; round++) {
			const t = new Map<CaptureSet, number>();
			for (let k = 0; k < runners.length; k++) {
				const r = runners[(k + round) % runners.length];
				if (skipped.has(r.set)) continue;
				const t0 = now();
				let ok = true;
				for (let b = 0; b < batch && ok; b++) ok = (await attempt(r)) !== null;
				if (!ok) continue;
				const ms = (now() - t0) / batch;
				t.set(r.set, ms);
				times.get(r.set)!.push(ms);
			}
			const plain = t.get('none');
			for (const [set, ms] of t) if (plain) ratios.get(set)!.push(ms / plain);
		}
		return {
			warmup: warmup.rounds,
			reps,
			batch,
			sets: sets.map((set): SetTiming => {
				const runs = times.get(set) ?? [];
				const rs = ratios.get(set) ?? [];
				const base = { set, exposed: runners.find((r) => r.set === set)?.exposed ?? 0, captured_mb: round((bytes.get(set) ?? 0) / (1 << 20), 1) };
				if (skipped.has(set) || runs.length === 0)
					return { ...base, median_ms: NaN, runs_ms: runs.map((x) => round(x, 2)), ratio: null, skipped: skipped.get(set) ?? 'no runs' };
				return { ...base, median_ms: round(median(runs), 2), runs_ms: runs.map((x) => round(x, 2)), ratio: rs.length ? round(median(rs), 3) : null };
			})
		};
	} finally {
		for (const r of runners) await r.release().catch(() => undefined);
	}
}

function message(e: unknown): string {
	return String((e as Error)?.message ?? e).replace(/\s+/g, ' ').trim().slice(0, 300);
}
