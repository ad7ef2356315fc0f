// Node side of the heatmap bench: one blank page per size in Chromium, the bundled page does the work.
import type { Browser } from 'playwright-core';
import { round } from '../stats.js';
import type { DrawResult } from './heatmap-page.js';

export interface HeatmapRow {
	size: number;
	draw_ms: number;
	svg_ratio: number;
	hover_ms: number;
	paint_ms: number;
	full_ms: number;
	draw_frame_ms: number;
	svg_ms: number;
	svg_frame_ms: number;
	svg_frame_ratio: number;
	svg_reps: number;
	hover_max_ms: number;
	/**
	 * Rows of 512 px and more: a causal 4096 x 4096 pattern as the long view draws it in this box.
	 * overview_ms: one overview draw (pooled cells, axes, legend; target <= 16); zoom_ms: the largest
	 * exact zoom; overview_hover_ms/_max_ms: one hover (exact cell, readout from the row summaries,
	 * block line; target <= 0.5); pool_ms/summarize_ms: once per head when the worker did not pool.
	 */
	overview_seq?: number;
	overview_blocks?: number;
	overview_ms?: number;
	zoom_ms?: number;
	overview_hover_ms?: number;
	overview_hover_max_ms?: number;
	pool_ms?: number;
	summarize_ms?: number;
}

export interface HeatmapPlan {
	size: number;
	reps: number;
	svgReps: number;
	moves: number;
}

export async function benchHeatmaps(browser: Browser, origin: string, plans: HeatmapPlan[]): Promise<HeatmapRow[]> {
	const rows: HeatmapRow[] = [];
	for (const p of plans) {
		const page = await browser.newPage({ viewport: { width: Math.max(1280, p.size + 400), height: Math.max(800, p.size + 120) } });
		try {
			await page.goto(`${origin}/bench/heatmap-page.html`);
			await page.waitForFunction(() => '__bench' in window);
			const r = await page.evaluate(
				(o) => (window as unknown as { __bench: { heatmap(o: unknown): Promise<DrawResult> } }).__bench.heatmap(o),
				p
			);
			rows.push({
				size: r.size,
				draw_ms: round(r.draw_ms, 2),
				svg_ratio: round(r.svg_ms / r.draw_ms, 0),
				hover_ms: round(r.hover_ms, 3),
				paint_ms: round(r.paint_ms, 2),
				full_ms: round(r.full_ms, 2),
				draw_frame_ms: round(r.draw_frame_ms, 1),
				svg_ms: round(r.svg_ms, 0),
				svg_frame_ms: round(r.svg_frame_ms, 0),
				svg_frame_ratio: round(r.svg_frame_ms / r.draw_frame_ms, 0),
				svg_reps: r.svg_reps,
				hover_max_ms: round(r.hover_max_ms, 3),
				...(r.overview && {
					overview_seq: r.overview.overview_seq,
					overview_blocks: r.overview.overview_blocks,
					overview_ms: round(r.overview.overview_ms, 2),
					zoom_ms: round(r.overview.zoom_ms, 2),
					overview_hover_ms: round(r.overview.overview_hover_ms, 3),
					overview_hover_max_ms: round(r.overview.overview_hover_max_ms, 3),
					pool_ms: round(r.overview.pool_ms, 0),
					summarize_ms: round(r.overview.summarize_ms, 0)
				})
			});
		} finally {
			await page.close();
		}
	}
	return rows;
}
