// Capture cost in Node on WASM: one child process per model and seq (bench/node/capture-child.ts).
import { runChild } from '../child.js';
import type { SetTiming } from '../capture-core.js';
import type { BenchModel } from '../models.js';
import type { CaptureRow } from '../report.js';

export interface Reps {
	/** Warm-up rounds, at least... */
	warmup: number;
	/** ...and at least this many ms of them. */
	warmupMs: number;
	reps: number;
	/** Runs per timed sample (default 1). */
	batch?: number;
	/** Also time the capturing graph with only the model's outputs fetched. */
	explain?: boolean;
}

interface ChildResult {
	seq: number;
	threads: number;
	max_rss_mb: number;
	warmup: number;
	reps: number;
	batch: number;
	sets: SetTiming[];
	semantic_graph_only_ratio?: number | null;
	all_graph_only_ratio?: number | null;
	semantic_graph_only_cpu_ratio?: number | null;
	all_graph_only_cpu_ratio?: number | null;
}

export function toRow(
	model: string,
	env: CaptureRow['env'],
	backend: CaptureRow['backend'],
	seq: number,
	sets: SetTiming[],
	extra: Partial<CaptureRow> = {}
): CaptureRow {
	const get = (s: string) => sets.find((x) => x.set === s);
	const none = get('none');
	const sem = get('semantic');
	const all = get('all');
	const skipped = sets
		.filter((s) => s.skipped)
		.map((s) => `${s.set}: ${s.skipped}`)
		.join('; ');
	return {
		model,
		env,
		backend,
		seq,
		plain_ms: none && !none.skipped ? none.median_ms : null,
		semantic_ratio: sem?.ratio ?? null,
		all_ratio: all?.ratio ?? null,
		...(none?.cpu_median_ms !== undefined
			? { plain_cpu_ms: none.cpu_median_ms, semantic_cpu_ratio: sem?.cpu_ratio ?? null, all_cpu_ratio: all?.cpu_ratio ?? null }
			: {}),
		semantic_ms: sem && !sem.skipped ? sem.median_ms : null,
		all_ms: all && !all.skipped ? all.median_ms : null,
		exposed: { semantic: sem?.exposed ?? 0, all: all?.exposed ?? 0 },
		captured_mb: { none: none?.captured_mb ?? 0, semantic: sem?.captured_mb ?? 0, all: all?.captured_mb ?? 0 },
		...extra,
		...(skipped ? { skipped } : {})
	};
}

export async function captureInNode(m: BenchModel, r: Reps, threads: number): Promise<CaptureRow> {
	try {
		const res = await runChild<ChildResult>(
			'bench/node/capture-child.ts',
			[
				m.path,
				'--seq',
				String(m.seq),
				'--warmup',
				String(r.warmup),
				'--warmup-ms',
				String(r.warmupMs),
				'--reps',
				String(r.reps),
				'--batch',
				String(r.batch ?? 1),
				'--threads',
				String(threads),
				...(r.explain ? ['--explain'] : [])
			],
			{ timeoutMs: m.big ? 900_000 : 120_000 }
		);
		return toRow(m.id, 'node', 'wasm', res.seq, res.sets, {
			warmup: res.warmup,
			reps: res.reps,
			batch: res.batch,
			max_rss_mb: res.max_rss_mb,
			...(res.all_graph_only_ratio !== undefined
				? {
						semantic_graph_only_ratio: res.semantic_graph_only_ratio ?? null,
						all_graph_only_ratio: res.all_graph_only_ratio,
						semantic_graph_only_cpu_ratio: res.semantic_graph_only_cpu_ratio ?? null,
						all_graph_only_cpu_ratio: res.all_graph_only_cpu_ratio ?? null
					}
				: {})
		});
	} catch (e) {
		return {
			model: m.id,
			env: 'node',
			backend: 'wasm',
			seq: m.seq,
			plain_ms: null,
			semantic_ratio: null,
			all_ratio: null,
			skipped: (e as Error).message
		};
	}
}
