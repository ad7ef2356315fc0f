// Browser side of the heatmap bench (bundled by esbuild into a blank page): the app's renderer
// (colour table -> paintMatrix -> drawCells, then d3 axes and legend) against the common naive
// approach, d3 appending one SVG <rect> per cell; and one hover update done the app's way
// (cached grid rect -> cell -> readout -> crosshair), timed inside a real mousemove handler.
import { select } from 'd3-selection';
import { scaleSequential } from 'd3-scale';
import { interpolateBlues } from 'd3-scale-chromatic';
import {
	CachedRect,
	attentionLut,
	attentionReadout,
	cellBuffer,
	cellFromClient,
	drawCells,
	drawLegend,
	drawTokenAxes,
	exactZeroIsMasked,
	paintMatrix,
	sliceOf,
	type GridBox
} from '../../src/lib/viz/index.js';
import { uniform } from '../../src/lib/stats/index.js';
import { overview, type OverviewResult } from './overview-bench.js';

const now = () => performance.now();
// "After the next paint": rAF runs before the frame's style, layout and paint; a task queued from it runs after them.
const frame = () => new Promise<void>((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));

function median(xs: number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A causal attention pattern [1, 1, n, n]: softmax rows of random logits, exact zeros above the diagonal. */
function pattern(n: number): Float32Array {
	const r = uniform(n);
	const out = new Float32Array(n * n);
	for (let i = 0; i < n; i++) {
		let sum = 0;
		for (let j = 0; j <= i; j++) sum += out[i * n + j] = Math.exp(4 * r());
		for (let j = 0; j <= i; j++) out[i * n + j] /= sum;
	}
	return out;
}

function stage(n: number): HTMLDivElement {
	document.body.replaceChildren();
	const div = document.createElement('div');
	div.style.cssText = `position:relative;margin:40px;width:${n}px;height:${n}px`;
	document.body.append(div);
	return div;
}

export interface DrawResult {
	size: number;
	/** Script time of the cells (paint through the colour table + blit), median. */
	draw_ms: number;
	/** Of which: values -> RGBA through the colour table (the rest is putImageData + drawImage). */
	paint_ms: number;
	/** The same, plus the axes and legend the component draws, median. */
	full_ms: number;
	/** From the start of the draw to the second animation frame after it (raster included), median. */
	draw_frame_ms: number;
	svg_ms: number;
	svg_frame_ms: number;
	svg_reps: number;
	hover_ms: number;
	hover_max_ms: number;
	/** Boxes of 512 px and more: a 4096-token pattern's overview in this box (overview-bench.ts). */
	overview?: OverviewResult;
}

/** Tokens of the long pattern the overview part draws. */
const OVERVIEW_SEQ = 4096;

async function canvasDraw(
	n: number,
	data: Float32Array,
	reps: number
): Promise<{ cells: number; paint: number; full: number; frame: number }> {
	const root = stage(n);
	const canvas = document.createElement('canvas');
	canvas.style.cssText = 'position:absolute;left:0;top:0';
	const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
	svg.setAttribute('style', 'position:absolute;left:-40px;top:-40px;overflow:visible');
	const axes = document.createElementNS('http://www.w3.org/2000/svg', 'g');
	const legend = document.createElementNS('http://www.w3.org/2000/svg', 'g');
	svg.append(axes, legend);
	root.append(canvas, svg);
	const box: GridBox = { rows: n, cols: n, width: n, height: n };
	const tokens = Array.from({ length: n }, (_, i) => `t${i}`);
	const lut = attentionLut('light');
	const cells: number[] = [];
	const paint: number[] = [];
	const full: number[] = [];
	const frames: number[] = [];
	for (let k = 0; k < reps + 2; k++) {
		const t0 = now();
		// What AttentionHeatmap.svelte's effect does on every draw.
		const m = sliceOf(data, [1, 1, n, n], [0, 0]);
		const pixels = paintMatrix(m, lut, cellBuffer(canvas, n, n), exactZeroIsMasked);
		const tp = now();
		drawCells(canvas, pixels, box, 1);
		const t1 = now();
		drawTokenAxes(axes, box, { rows: tokens, cols: tokens });
		drawLegend(legend, lut, Math.min(n, 240));
		const t2 = now();
		await frame();
		const t3 = now();
		if (k < 2) continue; // warm-up: JIT, first canvas allocation
		cells.push(t1 - t0);
		paint.push(tp - t0);
		full.push(t2 - t0);
		frames.push(t3 - t0);
	}
	return { cells: median(cells), paint: median(paint), full: median(full), frame: median(frames) };
}

/** The naive version: one <rect> per cell, colour by d3's sequential scale (a string per cell). */
async function svgDraw(n: number, data: Float32Array, reps: number): Promise<{ script: number; frame: number }> {
	const script: number[] = [];
	const frames: number[] = [];
	const color = scaleSequential(interpolateBlues).domain([0, 1]);
	const cells = Array.from({ length: n * n }, (_, i) => ({ r: Math.floor(i / n), c: i % n, v: data[i] }));
	for (let k = 0; k < reps; k++) {
		const root = stage(n);
		await frame();
		const t0 = now();
		select(root)
			.append('svg')
			.attr('width', n)
			.attr('height', n)
			.selectAll('rect')
			.data(cells)
			.join('rect')
			.attr('x', (d) => d.c)
			.attr('y', (d) => d.r)
			.attr('width', 1)
			.attr('height', 1)
			.attr('fill', (d) => (d.v === 0 ? '#a6a6a6' : color(d.v)));
		const t1 = now();
		await frame();
		const t2 = now();
		script.push(t1 - t0);
		frames.push(t2 - t0);
	}
	document.body.replaceChildren();
	return { script: median(script), frame: median(frames) };
}

/** One hover update the app's way, timed inside the mousemove handler; median and max over moves. */
async function hover(n: number, data: Float32Array, moves: number): Promise<{ median: number; max: number }> {
	const root = stage(n);
	const canvas = document.createElement('canvas');
	canvas.style.cssText = `position:absolute;left:0;top:0;width:${n}px;height:${n}px`;
	const readout = document.createElement('dl');
	readout.style.cssText = `position:absolute;left:${n + 20}px;top:0;font:12px sans-serif`;
	const vLine = document.createElement('div');
	const hLine = document.createElement('div');
	vLine.style.cssText = `position:absolute;top:0;left:0;width:1px;height:${n}px;background:#000;pointer-events:none`;
	hLine.style.cssText = `position:absolute;top:0;left:0;height:1px;width:${n}px;background:#000;pointer-events:none`;
	root.append(canvas, vLine, hLine, readout);
	const m = sliceOf(data, [1, 1, n, n], [0, 0]);
	const tokens = Array.from({ length: n }, (_, i) => `t${i}`);
	const rect = new CachedRect(canvas);
	const times: number[] = [];
	canvas.addEventListener('mousemove', (ev) => {
		const t0 = now();
		const r = rect.get();
		const cell = cellFromClient(ev.clientX, ev.clientY, r, n, n);
		if (cell) {
			const ro = attentionReadout(m, cell.row, cell.col, { layer: 0, head: 0, tokens, isMasked: exactZeroIsMasked });
			// Readout as text, crosshair by transform: no layout reads.
			readout.replaceChildren(
				...ro.fields.flatMap(([k, v]) => {
					const dt = document.createElement('dt');
					dt.textContent = k;
					const dd = document.createElement('dd');
					dd.textContent = v;
					return [dt, dd];
				})
			);
			const x = ((cell.col + 0.5) * r.width) / n;
			const y = ((cell.row + 0.5) * r.height) / n;
			vLine.style.transform = `translateX(${x}px)`;
			hLine.style.transform = `translateY(${y}px)`;
		}
		times.push(now() - t0);
	});
	await frame();
	const box = canvas.getBoundingClientRect();
	const u = uniform(7);
	for (let k = 0; k < moves + 20; k++) {
		const x = box.left + u() * n;
		const y = box.top + u() * n;
		canvas.dispatchEvent(new MouseEvent('mousemove', { clientX: x, clientY: y, bubbles: true }));
		if (k % 10 === 0) await frame(); // let style and paint run now and then, as real moves would
	}
	rect.dispose();
	const kept = times.slice(20); // warm-up moves
	return { median: median(kept), max: Math.max(...kept) };
}

async function heatmap(opts: { size: number; reps: number; svgReps: number; moves: number }): Promise<DrawResult> {
	const n = opts.size;
	const data = pattern(n);
	const c = await canvasDraw(n, data, opts.reps);
	const h = await hover(n, data, opts.moves);
	// Before the SVG draw: collecting its hundreds of thousands of nodes would land in these timings.
	const o = n >= 512 ? await overview(n, pattern(OVERVIEW_SEQ), OVERVIEW_SEQ, Math.max(5, opts.reps), opts.moves) : undefined;
	const s = opts.svgReps > 0 ? await svgDraw(n, data, opts.svgReps) : { script: NaN, frame: NaN };
	return {
		size: n,
		draw_ms: c.cells,
		paint_ms: c.paint,
		full_ms: c.full,
		draw_frame_ms: c.frame,
		svg_ms: s.script,
		svg_frame_ms: s.frame,
		svg_reps: opts.svgReps,
		hover_ms: h.median,
		hover_max_ms: h.max,
		overview: o
	};
}

(window as unknown as { __bench: object }).__bench = { heatmap };
