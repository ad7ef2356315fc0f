// The output contract of `npm run -s bench -- --json` (docs/contracts.md; other tools read
// it, keep it stable: fields may be added, never renamed), and the readable table printed without --json.

export interface CaptureRow {
	model: string;
	env: 'node' | 'chromium';
	backend: 'wasm' | 'webgpu';
	seq: number;
	plain_ms: number | null;
	semantic_ratio: number | null;
	all_ratio: number | null;
	// Added detail (not in the contract's minimum):
	/** The same on CPU time (Node: the process; Chromium: the page's renderer, plus the GPU process on WebGPU). */
	plain_cpu_ms?: number;
	semantic_cpu_ratio?: number | null;
	all_cpu_ratio?: number | null;
	semantic_ms?: number | null;
	all_ms?: number | null;
	exposed?: { semantic: number; all: number };
	captured_mb?: { none: number; semantic: number; all: number };
	warmup?: number;
	reps?: number;
	/** Runs per timed sample (the sample is their mean). */
	batch?: number;
	max_rss_mb?: number;
	/** The capturing graphs with only the model's own outputs fetched, as ratios to plain (ORT-side cost alone). */
	semantic_graph_only_ratio?: number | null;
	all_graph_only_ratio?: number | null;
	semantic_graph_only_cpu_ratio?: number | null;
	all_graph_only_cpu_ratio?: number | null;
	/** Why a set (or the whole row) was not measured. */
	skipped?: string;
}

import type { HeatmapRow } from './chromium/heatmap.js';
import type { ReadbackRow } from './chromium/readback.js';
export type { ReadbackRow };
export type { HeatmapRow };

export interface RewriteResult {
	model_mb: number;
	ms: number;
	extra_mb: number;
	[k: string]: unknown;
}

export interface OpenRow {
	model: string;
	backend: 'wasm' | 'webgpu';
	ms: number | null;
	seq?: number;
	capture?: string;
	runs_ms?: (number | null)[];
	/** One hover update in the app itself (pointermove to readout and crosshair written), median ms. */
	hover_ms?: number | null;
	/** One step to the next layer in the app (click -> that layer's heatmap drawn), median ms... */
	step_ms?: number | null;
	/** ...against one plain forward pass at the same length in Chromium on WASM (target: <= 2x). */
	forward_pass_ms?: number;
	step_ratio?: number;
	step_cpu_ms?: number | null;
	forward_pass_cpu_ms?: number;
	step_cpu_ratio?: number;
	/** The app's status line after the first heatmap (its session and run times). */
	status?: string;
	error?: string;
}

export interface MemoryRow {
	model: string;
	seq: number;
	peak_mb: number | null;
	env?: string;
	capture?: string;
	error?: string;
}

/** The GPT-2-shaped stack at long inputs in the built app (`?budget=`), against a plain pass. */
export interface LongRow {
	model: string;
	seq: number;
	backend: 'wasm' | 'webgpu';
	/** Renderer (page + worker) peak resident set over open, steps and head switches, MiB. */
	peak_mb: number | null;
	/** Navigation to the first heatmap drawn. */
	open_ms: number | null;
	/** One plain forward pass at this length in Chromium (same backend, as many WASM threads as the app). */
	plain_ms: number | null;
	/** Medians: a layer step (click to that layer's heatmap), a head switch within the layer (change to that head's heatmap). */
	step_ms: number | null;
	head_switch_ms: number | null;
	/** Median MiB the worker sent to the page per layer step. */
	captured_mib: number | null;
	// Added detail:
	budget_mib?: number;
	gpu_peak_mb?: number | null;
	plain_cpu_ms?: number;
	/** The plain pass's renderer peak (the bench page, one session), MiB: what the model alone takes at this length. */
	plain_peak_mb?: number;
	steps_ms?: number[];
	steps_cpu_ms?: number[];
	head_switches_ms?: number[];
	head_switches_cpu_ms?: number[];
	/** Per head switch: did the worker send a new result (a re-run) or was it served from what the page held. */
	head_switch_reran?: boolean[];
	head_switch_mib?: number[];
	/** MiB the worker sent for the first heatmap. */
	open_mib?: number | null;
	/** What capturing the requested set ("all") in full would produce at this length (the app's plan), MiB. */
	full_capture_mib?: number | null;
	/** captured_mib / full_capture_mib (target at seq 2048: <= 0.02). */
	captured_share?: number;
	step_ratio?: number;
	step_cpu_ratio?: number;
	head_switch_ratio?: number;
	/** The same on CPU time (robust to a busy machine). */
	head_switch_cpu_ratio?: number;
	/** The app's capture mode (full, selective, ...) and its status line at the end. */
	mode?: string;
	status?: string;
	error?: string;
	plain_error?: string;
}

export interface BenchReport {
	capture: CaptureRow[];
	heatmap: HeatmapRow[];
	rewrite: RewriteResult | null;
	open_to_first_heatmap: OpenRow[];
	memory: MemoryRow[];
	/** `--only long` (not in the default sections). */
	long_context: LongRow[];
	/** WebGPU: the share of a capturing run spent reading the captured tensors back (`readback` section). */
	webgpu_readback: ReadbackRow[];
	/** How and where it ran, and what was left out and why. */
	meta: {
		command: string;
		machine: string;
		chromium: string | null;
		started: string;
		seconds: number;
		/** 1-minute load average at the start and the end (others share these cores; high means noisy). */
		load: [number, number];
		/** Wall-clock seconds per section. */
		sections: Record<string, number>;
		not_measured: { what: string; why: string }[];
	};
}

export function emptyReport(command: string, machine: string): BenchReport {
	return {
		capture: [],
		heatmap: [],
		rewrite: null,
		open_to_first_heatmap: [],
		memory: [],
		long_context: [],
		webgpu_readback: [],
		meta: { command, machine, chromium: null, started: new Date().toISOString(), seconds: 0, load: [0, 0], sections: {}, not_measured: [] }
	};
}

const TARGETS = {
	semantic: 1.05,
	all: 1.15,
	draw1024: 8,
	svg: 100,
	hover: 0.5,
	rewriteMs: 50,
	rewritePct: 2,
	memory512: 1536,
	memory2048: 1536,
	memory4096: 2560,
	stepRatio: 1.2,
	switchHeld: 0.2,
	switchRerun: 1.2,
	capturedShare: 0.02
};

function cell(v: unknown, digits = 2): string {
	if (v === null || v === undefined) return '—';
	if (typeof v === 'number') return Number.isFinite(v) ? (Number.isInteger(v) ? String(v) : v.toFixed(digits)) : '—';
	return String(v);
}

function table(head: string[], rows: string[][]): string {
	const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
	// First column left, numbers right, the last (a note) left and unpadded.
	const last = head.length - 1;
	const pad = (c: string, i: number) => (i === 0 ? c.padEnd(w[i]) : i === last ? c : c.padStart(w[i]));
	const line = (r: string[]) => r.map(pad).join('  ').trimEnd();
	return [line(head), w.map((n, i) => '-'.repeat(i === last ? head[i].length : n)).join('  '), ...rows.map(line)].join('\n');
}

const mark = (ok: boolean | null) => (ok === null ? '' : ok ? ' ok' : ' MISS');

/** The human-readable report (targets beside the figures they apply to). */
export function formatReport(r: BenchReport): string {
	const out: string[] = [];
	out.push(
		`blockscope bench  (${r.meta.machine}; Chromium ${r.meta.chromium ?? 'not started'}; ${Math.round(r.meta.seconds)} s; load ${r.meta.load.join(' -> ')})`
	);
	out.push('');
	out.push(
		`Capture cost (median of per-round ratios to the plain run, wall clock and CPU time; targets at gpt2 seq 128 on WASM: semantic <= ${TARGETS.semantic}x, all <= ${TARGETS.all}x)`
	);
	out.push(
		table(
			[
				'model',
				'env',
				'backend',
				'seq',
				'plain ms',
				'semantic x',
				'all x',
				'cpu: semantic x',
				'all x',
				'exposed s/a',
				'captured MB s/a',
				'note'
			],
			r.capture.map((c) => {
				const target = c.model === 'gpt2-small-shaped' && c.seq === 128 && c.backend === 'wasm';
				return [
					c.model,
					c.env,
					c.backend,
					String(c.seq),
					cell(c.plain_ms, 1),
					cell(c.semantic_ratio, 3) + (target && c.semantic_ratio !== null ? mark(c.semantic_ratio <= TARGETS.semantic) : ''),
					cell(c.all_ratio, 3) + (target && c.all_ratio !== null ? mark(c.all_ratio <= TARGETS.all) : ''),
					cell(c.semantic_cpu_ratio, 3) + (target && c.semantic_cpu_ratio != null ? mark(c.semantic_cpu_ratio <= TARGETS.semantic) : ''),
					cell(c.all_cpu_ratio, 3) + (target && c.all_cpu_ratio != null ? mark(c.all_cpu_ratio <= TARGETS.all) : ''),
					c.exposed ? `${c.exposed.semantic}/${c.exposed.all}` : '—',
					c.captured_mb ? `${cell(c.captured_mb.semantic, 1)}/${cell(c.captured_mb.all, 1)}` : '—',
					[
						c.all_graph_only_ratio != null
							? `fetching only logits: semantic ${c.semantic_graph_only_ratio}x, all ${c.all_graph_only_ratio}x (cpu ${c.semantic_graph_only_cpu_ratio}x, ${c.all_graph_only_cpu_ratio}x)`
							: '',
						c.skipped ? `skipped: ${c.skipped}`.slice(0, 120) : ''
					]
						.filter(Boolean)
						.join('; ')
				];
			})
		)
	);
	out.push('');
	out.push(
		`Heatmap (script ms, median; targets: 1024 drawn in <= ${TARGETS.draw1024} ms, >= ${TARGETS.svg}x faster than one SVG rect per cell, hover <= ${TARGETS.hover} ms)`
	);
	out.push(
		table(
			['size', 'draw ms', 'of which paint', 'with axes', 'svg ms', 'svg x', 'svg to paint ms', 'hover ms', ''],
			r.heatmap.map((h) => {
				const big = h.size === 1024;
				return [
					String(h.size),
					cell(h.draw_ms) + (big ? mark(h.draw_ms <= TARGETS.draw1024) : ''),
					cell(h.paint_ms),
					cell(h.full_ms),
					cell(h.svg_ms, 0),
					cell(h.svg_ratio, 0) + (big && Number.isFinite(h.svg_ratio) ? mark(h.svg_ratio >= TARGETS.svg) : ''),
					cell(h.svg_frame_ms, 0),
					cell(h.hover_ms, 3) + mark(h.hover_ms <= TARGETS.hover),
					''
				];
			})
		)
	);
	out.push('');
	if (r.rewrite) {
		const w = r.rewrite;
		const pct = (100 * w.extra_mb) / w.model_mb;
		out.push(`Rewrite (expose every intermediate; targets: <= ${TARGETS.rewriteMs} ms, extra <= ${TARGETS.rewritePct}% of the file)`);
		out.push(
			`  ${w.model_mb} MiB model: ${w.ms} ms warm (${cell(w.first_ms)} ms cold)${mark(w.ms <= TARGETS.rewriteMs)}, extra ${w.extra_mb} MiB = ${pct.toFixed(2)}%${mark(pct <= TARGETS.rewritePct)}` +
				`; naive copy: ${cell(w.naive_ms, 0)} ms, ${cell(w.naive_extra_mb, 0)} MiB`
		);
		out.push('');
	}
	out.push('Open to first heatmap (Chromium, the built app; stepping a layer at seq 512: target <= 2x one forward pass)');
	out.push(
		table(
			['model', 'backend', 'seq', 'capture', 'ms', 'app hover ms', 'layer step ms', 'step / pass', 'cpu: step / pass', 'note'],
			r.open_to_first_heatmap.map((o) => [
				o.model,
				o.backend,
				cell(o.seq),
				o.capture ?? '',
				cell(o.ms, 0),
				cell(o.hover_ms, 3),
				cell(o.step_ms, 0),
				o.step_ratio !== undefined ? cell(o.step_ratio, 2) + mark(o.step_ratio <= 2) : '—',
				o.step_cpu_ratio !== undefined ? cell(o.step_cpu_ratio, 2) + mark(o.step_cpu_ratio <= 2) : '—',
				o.error ?? o.status ?? ''
			])
		)
	);
	out.push('');
	out.push(`Peak memory (renderer VmHWM; target: seq 512 debuggable within ${TARGETS.memory512} MiB)`);
	out.push(
		table(
			['model', 'seq', 'env', 'capture', 'peak MiB', 'note'],
			r.memory.map((m) => [
				m.model,
				String(m.seq),
				m.env ?? '',
				m.capture ?? '',
				cell(m.peak_mb, 0) + (m.peak_mb !== null && m.seq === 512 ? mark(m.peak_mb <= TARGETS.memory512) : ''),
				m.error ?? ''
			])
		)
	);
	if (r.long_context.length) out.push('', formatLong(r.long_context));
	if (r.webgpu_readback.length)
		out.push(
			'',
			'WebGPU readback (a "semantic" run with every output downloaded, against outputs left on the GPU)',
			table(
				['model', 'seq', 'step ms', 'readback ms', 'share', 'on GPU ms', 'only the shown pattern ms', 'note'],
				r.webgpu_readback.map((w) => [
					w.model,
					String(w.seq),
					cell(w.step_ms, 1),
					cell(w.readback_ms, 1),
					cell(w.share, 3),
					cell(w.gpu_ms, 1),
					cell(w.shown_ms, 1),
					w.error ?? `${w.exposed ?? '?'} tensors, ${cell(w.captured_mb, 1)} MiB`
				])
			)
		);
	if (r.meta.not_measured.length) {
		out.push('');
		out.push('Not measured');
		for (const n of r.meta.not_measured) out.push(`  ${n.what}: ${n.why}`);
	}
	return out.join('\n');
}

/** The head switch against the plain pass, on CPU time where measured; the target depends on whether it re-ran. */
function switchCell(o: LongRow): string {
	const x = o.head_switch_cpu_ratio ?? o.head_switch_ratio;
	if (x === undefined) return '—';
	const reran = o.head_switch_reran?.some(Boolean) ?? false;
	return `${cell(x, 3)}${o.head_switch_cpu_ratio !== undefined ? ' cpu' : ''}${mark(x <= (reran ? TARGETS.switchRerun : TARGETS.switchHeld))}${reran ? ' (re-run)' : ''}`;
}

function formatLong(rows: LongRow[]): string {
	const peakTarget = (seq: number) => (seq <= 2048 ? TARGETS.memory2048 : seq <= 4096 ? TARGETS.memory4096 : null);
	return [
		`Long context (the app with ?budget=; targets: peak <= ${TARGETS.memory2048} MiB at 2048, <= ${TARGETS.memory4096} at 4096; step <= ${TARGETS.stepRatio}x a plain pass; head switch <= ${TARGETS.switchHeld}x when held, <= ${TARGETS.switchRerun}x when it re-runs; captured per step <= ${TARGETS.capturedShare * 100}% of a full capture at 2048)`,
		table(
			[
				'seq',
				'backend',
				'peak MiB',
				'open ms',
				'plain ms',
				'step ms',
				'step / pass',
				'switch ms',
				'switch / pass',
				'MiB / step',
				'share',
				'note'
			],
			rows.map((o) => {
				const t = peakTarget(o.seq);
				return [
					String(o.seq),
					o.backend,
					cell(o.peak_mb, 0) + (o.peak_mb !== null && t !== null && o.backend === 'wasm' ? mark(o.peak_mb <= t) : ''),
					cell(o.open_ms, 0),
					cell(o.plain_ms, 0),
					cell(o.step_ms, 0),
					o.step_ratio !== undefined ? cell(o.step_ratio, 2) + mark(o.step_ratio <= TARGETS.stepRatio) : '—',
					cell(o.head_switch_ms, 1),
					switchCell(o),
					cell(o.captured_mib, 1),
					o.captured_share !== undefined
						? cell(o.captured_share, 4) + (o.seq === 2048 ? mark(o.captured_share <= TARGETS.capturedShare) : '')
						: '—',
					(o.error ? `error: ${o.error}` : (o.status ?? '')).slice(0, 160)
				];
			})
		)
	].join('\n');
}
