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
				hover_max_ms: round(r.hover_max_ms, 3)
			});
		} finally {
			await page.close();
		}
	}
	return rows;
}
