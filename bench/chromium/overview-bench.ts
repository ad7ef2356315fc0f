// Browser side of the long-pattern part of the heatmap bench: a causal 4096 x 4096 pattern drawn as
// the app's overview (pooled pattern -> paintPooledAt, one pixel per box pixel -> drawCells, token-position axes, legend) into
// a box of `size` CSS px, the largest exact zoom (size x size cells), and one overview hover done the
// app's way (cached rect -> exact token cell -> readout with the row summaries -> block line), timed
// inside a real mousemove handler. Also what the page does once per head when the worker did not
// pool: poolPattern and summarizeRows over the full pattern in JS.
import {
	CachedRect,
	attentionLut,
	attentionReadout,
	blockAt,
	causalBlocks,
	cellBuffer,
	cellInRegion,
	drawCells,
	drawLegend,
	drawRegionAxes,
	exactZeroIsMasked,
	fullRegion,
	paintMatrix,
	paintPooledAt,
	regionAround,
	regionView,
	sliceOf
} from '../../src/lib/viz/index.js';
import { poolPattern, summarizeRows } from '../../src/lib/stats/index.js';

const now = () => performance.now();
const frame = () => new Promise<void>((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));

export interface OverviewResult {
	overview_seq: number;
	/** Blocks a side of the pooled pattern drawn (the page pools to 256 when the worker did not). */
	overview_blocks: number;
	/** Script time of one overview draw (cells, axes, legend), median. */
	overview_ms: number;
	/** One zoom draw: the largest region (size x size exact cells), median. */
	zoom_ms: number;
	/** One hover update in the overview, median and max over the moves. */
	overview_hover_ms: number;
	overview_hover_max_ms: number;
	/** Once per head without summary capture: pooling and row summaries in JS over the full pattern. */
	pool_ms: number;
	summarize_ms: number;
}

function median(xs: number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function layers(size: number): { canvas: HTMLCanvasElement; axes: SVGGElement; legend: SVGGElement } {
	document.body.replaceChildren();
	const root = document.createElement('div');
	root.style.cssText = `position:relative;margin:60px;width:${size}px;height:${size}px`;
	const canvas = document.createElement('canvas');
	canvas.style.cssText = `position:absolute;left:0;top:0;width:${size}px;height:${size}px`;
	const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
	svg.setAttribute('style', 'position:absolute;left:0;top:0;overflow:visible');
	const axes = document.createElementNS('http://www.w3.org/2000/svg', 'g');
	const legend = document.createElementNS('http://www.w3.org/2000/svg', 'g');
	svg.append(axes, legend);
	root.append(canvas, svg);
	document.body.append(root);
	return { canvas, axes, legend };
}

export async function overview(size: number, data: Float32Array, seq: number, reps: number, moves: number): Promise<OverviewResult> {
	const t0 = now();
	const pooled = poolPattern(data, seq, 256);
	const t1 = now();
	const rows = summarizeRows(data, seq);
	const t2 = now();
	const lut = attentionLut('light');
	const causal = causalBlocks(pooled);
	const box = { rows: size, cols: size, width: size, height: size };
	const { canvas, axes, legend } = layers(size);
	const full = fullRegion(seq);
	const draws: number[] = [];
	for (let k = 0; k < reps + 2; k++) {
		const a = now();
		// What RegionHeatmap.svelte's effects do for the overview.
		const px = paintPooledAt(pooled, k % 2 ? 'mean' : 'max', lut, cellBuffer(canvas, size, size), size, size, causal);
		drawCells(canvas, px, box, 1);
		drawRegionAxes(axes, box, full);
		drawLegend(legend, lut, 240, 10, true, [0, 1]);
		const b = now();
		await frame();
		if (k >= 2) draws.push(b - a);
	}
	const m = sliceOf(data, [1, 1, seq, seq], [0, 0]);
	const zooms: number[] = [];
	for (let k = 0; k < reps + 2; k++) {
		const region = regionAround({ row: 1000 + 97 * k, col: 300 + 31 * k }, size, seq);
		const a = now();
		const px = paintMatrix(regionView(m, region), lut, cellBuffer(canvas, region.rows, region.cols), exactZeroIsMasked);
		drawCells(canvas, px, { rows: region.rows, cols: region.cols, width: size, height: size }, 1);
		drawRegionAxes(axes, box, region);
		const b = now();
		await frame();
		if (k >= 2) zooms.push(b - a);
	}
	const hover = await hoverOverview(canvas, size, m, seq, { pooled, rows, causal }, moves);
	return {
		overview_seq: seq,
		overview_blocks: pooled.size,
		overview_ms: median(draws),
		zoom_ms: median(zooms),
		overview_hover_ms: hover.median,
		overview_hover_max_ms: hover.max,
		pool_ms: t1 - t0,
		summarize_ms: t2 - t1
	};
}

async function hoverOverview(
	canvas: HTMLCanvasElement,
	size: number,
	m: ReturnType<typeof sliceOf>,
	seq: number,
	long: { pooled: ReturnType<typeof poolPattern>; rows: ReturnType<typeof summarizeRows>; causal: boolean },
	moves: number
): Promise<{ median: number; max: number }> {
	const readout = document.createElement('dl');
	readout.style.cssText = `position:absolute;left:${size + 80}px;top:60px;font:12px sans-serif`;
	const line = document.createElement('p');
	document.body.append(readout, line);
	const rect = new CachedRect(canvas);
	const region = fullRegion(seq);
	const times: number[] = [];
	const onMove = (ev: MouseEvent) => {
		const t0 = now();
		const r = rect.get();
		const cell = cellInRegion(ev.clientX - r.left, ev.clientY - r.top, { width: r.width, height: r.height }, region);
		if (cell) {
			const ro = attentionReadout(m, cell.row, cell.col, { layer: 0, head: 0, tokens: null, isMasked: exactZeroIsMasked, rows: long.rows });
			readout.replaceChildren(
				...ro.fields.flatMap(([k, v]) => {
					const dt = document.createElement('dt');
					dt.textContent = k;
					const dd = document.createElement('dd');
					dd.textContent = v;
					return [dt, dd];
				})
			);
			const b = blockAt(long.pooled, cell, long.causal);
			line.textContent = `block ${b.rows[0]}-${b.rows[1] - 1} x ${b.cols[0]}-${b.cols[1] - 1}: max ${b.max}, mean ${b.mean}`;
		}
		times.push(now() - t0);
	};
	canvas.addEventListener('mousemove', onMove);
	await frame();
	const box = canvas.getBoundingClientRect();
	for (let k = 0; k < moves + 20; k++) {
		const x = box.left + ((k * 0.37) % 1) * size;
		const y = box.top + ((k * 0.61) % 1) * size;
		canvas.dispatchEvent(new MouseEvent('mousemove', { clientX: x, clientY: y, bubbles: true }));
		if (k % 10 === 0) await frame();
	}
	canvas.removeEventListener('mousemove', onMove);
	rect.dispose();
	const kept = times.slice(20);
	return { median: median(kept), max: Math.max(...kept) };
}
