// How many runs each measurement gets. Medians after a warm-up; small models get many cheap
// runs, the GPT-2-shaped stack few expensive ones, so the whole bench fits in a few minutes on
// two shared cores. --quick is a smoke run (and what the tests use).
import type { HeatmapPlan } from './chromium/heatmap.js';
import type { Reps } from './node/capture.js';

export interface Plan {
	gpt2Seqs: number[];
	zoo: Reps;
	gpt2: Record<number, Reps>;
	webgpuZoo: Reps;
	webgpuGpt2: Reps;
	heatmaps: HeatmapPlan[];
	rewriteReps: number;
	openZoo: { warmup: number; reps: number };
	openGpt2: { reps: number };
	/** Layer steps timed in the app at seq 512. */
	steps512: number;
}

export function plan(quick: boolean): Plan {
	if (quick)
		return {
			gpt2Seqs: [128],
			zoo: { warmup: 2, warmupMs: 500, reps: 3, batch: 5 },
			gpt2: { 128: { warmup: 1, warmupMs: 0, reps: 1 } },
			webgpuZoo: { warmup: 1, warmupMs: 0, reps: 2 },
			webgpuGpt2: { warmup: 0, warmupMs: 0, reps: 1 },
			heatmaps: [
				{ size: 128, reps: 3, svgReps: 1, moves: 50 },
				{ size: 512, reps: 3, svgReps: 1, moves: 50 }
			],
			rewriteReps: 3,
			openZoo: { warmup: 0, reps: 1 },
			openGpt2: { reps: 1 },
			steps512: 1
		};
	return {
		gpt2Seqs: [128, 512],
		zoo: { warmup: 5, warmupMs: 1500, reps: 15, batch: 10 },
		gpt2: { 128: { warmup: 1, warmupMs: 0, reps: 7, explain: true }, 512: { warmup: 1, warmupMs: 0, reps: 2 } },
		webgpuZoo: { warmup: 1, warmupMs: 0, reps: 3 },
		webgpuGpt2: { warmup: 1, warmupMs: 0, reps: 1 },
		heatmaps: [
			{ size: 128, reps: 20, svgReps: 3, moves: 300 },
			{ size: 512, reps: 10, svgReps: 1, moves: 300 },
			{ size: 1024, reps: 10, svgReps: 1, moves: 300 }
		],
		rewriteReps: 7,
		openZoo: { warmup: 0, reps: 3 },
		openGpt2: { reps: 3 },
		steps512: 2
	};
}
