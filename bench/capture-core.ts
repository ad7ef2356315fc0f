// The capture-cost loop, shared by Node and the Chromium page: one session per capture set, all
// open at once, runs interleaved round by round (the order rotates each round), so a noisy
// neighbour slows every set alike. A set's ratio is the median over rounds of its time divided by
// the plain run's time in the same round. With a CPU clock (the process's CPU time) the same is
// computed on CPU time too: on two shared cores a run can wait for a core as long as it computes,
// and CPU time does not count the waiting.
import type { CaptureSet } from '../src/lib/runtime/index.js';
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
	/** The same on CPU time, when a CPU clock was given. */
	cpu_median_ms?: number;
	cpu_ratio?: number | null;
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

export interface TimingOptions {
	/** At least this many warm-up rounds (every set runs once per round)... */
	warmup: number;
	/** ...and at least this long: WASM code tiers up in the background, slowly on two busy cores. */
	warmupMs: number;
	reps: number;
	/**
	 * Runs per timed sample (the sample is their mean). Tiny models run in a millisecond or two,
	 * where one descheduling on a busy machine is worth ten runs; batching evens that out.
	 */
	batch?: number;
	/** CPU time of the process(es) doing the work, in ms. */
	cpu?: () => number | Promise<number>;
}

const now = () => performance.now();

export async function timeCapture(open: Opener, sets: readonly CaptureSet[], o: TimingOptions): Promise<CaptureTiming> {
	const batch = o.batch ?? 1;
	const runners: Runner[] = [];
	const skipped = new Map<CaptureSet, string>();
	const bytes = new Map<CaptureSet, number>();
	const attempt = async (r: Runner): Promise<boolean> => {
		try {
			bytes.set(r.set, await r.run());
			return true;
		} catch (e) {
			if (r.set === 'none') throw e;
			skipped.set(r.set, message(e));
			return false;
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
		for (let round = 0; round < o.warmup || now() - w0 < o.warmupMs; round++)
			for (const r of runners) if (!skipped.has(r.set)) await attempt(r);
		const wall = new Map<CaptureSet, number[]>(runners.map((r) => [r.set, []]));
		const cpu = new Map<CaptureSet, number[]>(runners.map((r) => [r.set, []]));
		const wallRatios = new Map<CaptureSet, number[]>(runners.map((r) => [r.set, []]));
		const cpuRatios = new Map<CaptureSet, number[]>(runners.map((r) => [r.set, []]));
		for (let round = 0; round < o.reps; round++) {
			const tw = new Map<CaptureSet, number>();
			const tc = new Map<CaptureSet, number>();
			for (let k = 0; k < runners.length; k++) {
				const r = runners[(k + round) % runners.length];
				if (skipped.has(r.set)) continue;
				const c0 = o.cpu ? await o.cpu() : 0;
				const t0 = now();
				let ok = true;
				for (let b = 0; b < batch && ok; b++) ok = await attempt(r);
				const ms = (now() - t0) / batch;
				const cms = o.cpu ? ((await o.cpu()) - c0) / batch : 0;
				if (!ok) continue;
				tw.set(r.set, ms);
				wall.get(r.set)!.push(ms);
				if (o.cpu) {
					tc.set(r.set, cms);
					cpu.get(r.set)!.push(cms);
				}
			}
			for (const [t, ratios] of [
				[tw, wallRatios],
				[tc, cpuRatios]
			] as const) {
				const plain = t.get('none');
				if (plain) for (const [set, ms] of t) ratios.get(set)!.push(ms / plain);
			}
		}
		return {
			warmup: o.warmup,
			reps: o.reps,
			batch,
			sets: sets.map((set): SetTiming => {
				const runs = wall.get(set) ?? [];
				const base = {
					set,
					exposed: runners.find((r) => r.set === set)?.exposed ?? 0,
					captured_mb: round((bytes.get(set) ?? 0) / (1 << 20), 1)
				};
				if (skipped.has(set) || runs.length === 0)
					return { ...base, median_ms: NaN, runs_ms: runs.map((x) => round(x, 2)), ratio: null, skipped: skipped.get(set) ?? 'no runs' };
				const wr = wallRatios.get(set)!;
				const out: SetTiming = {
					...base,
					median_ms: round(median(runs), 2),
					runs_ms: runs.map((x) => round(x, 2)),
					ratio: wr.length ? round(median(wr), 3) : null
				};
				if (o.cpu) {
					const cr = cpuRatios.get(set)!;
					out.cpu_median_ms = round(median(cpu.get(set)!), 2);
					out.cpu_ratio = cr.length ? round(median(cr), 3) : null;
				}
				return out;
			})
		};
	} finally {
		for (const r of runners) await r.release().catch(() => undefined);
	}
}

function message(e: unknown): string {
	return String((e as Error)?.message ?? e)
		.replace(/\s+/g, ' ')
		.trim()
		.slice(0, 300);
}
