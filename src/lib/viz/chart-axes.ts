// Axes of the charts (bars, lines, histograms), drawn into SVG groups with d3-axis. Token labels
// and titles go in through d3's .text() (textContent), never as markup.
import { axisBottom, axisLeft } from 'd3-axis';
import { select } from 'd3-selection';
import type { ScaleBand, ScaleLinear } from 'd3-scale';
import { tickPositions } from './grid.js';
import { axisLabel } from './labels.js';

/** y axis at x = 0 of `g`, with faint grid lines across the plot (width) and a short title. */
export function drawValueAxis(g: SVGGElement, y: ScaleLinear<number, number>, width: number, title = '', ticks = 4): void {
	const root = select(g);
	root.selectAll('*').remove();
	const axis = root.append('g').attr('class', 'axis axis-y').call(axisLeft(y).ticks(ticks, '~g').tickSizeOuter(0));
	axis.selectAll<SVGGElement, number>('.tick').append('line').attr('class', 'grid').attr('x1', 0).attr('x2', width);
	if (title) root.append('text').attr('class', 'axis-title').attr('x', -4).attr('y', -6).attr('text-anchor', 'start').text(title);
}

/** Token positions along the bottom (labels thinned to fit), at y = height of `g`. */
export function drawTokenAxis(g: SVGGElement, x: ScaleBand<number>, height: number, tokens: readonly string[] | null, n: number): void {
	const root = select(g);
	root.selectAll('*').remove();
	const [x0, x1] = x.range();
	const width = Math.abs(x1 - x0);
	const axis = axisBottom(x)
		.tickValues(tickPositions(n, width, 14))
		.tickFormat((i) => axisLabel(i, tokens?.[i]).slice(0, 4))
		.tickSizeOuter(0);
	root.append('g').attr('class', 'axis axis-x').attr('transform', `translate(0, ${height})`).call(axis);
}

/** A linear x axis along the bottom: explicit tick values and labels (layers), or d3's ticks. */
export function drawLinearXAxis(
	g: SVGGElement,
	x: ScaleLinear<number, number>,
	height: number,
	opts: { values?: number[]; format?: (v: number) => string; ticks?: number; title?: string } = {}
): void {
	const root = select(g);
	root.selectAll('*').remove();
	let axis = axisBottom(x).tickSizeOuter(0);
	if (opts.values) axis = axis.tickValues(opts.values);
	else axis = axis.ticks(opts.ticks ?? 4, '~g');
	if (opts.format) axis = axis.tickFormat((v) => opts.format!(Number(v)));
	root.append('g').attr('class', 'axis axis-x').attr('transform', `translate(0, ${height})`).call(axis);
	if (opts.title) {
		const [a, b] = x.range();
		root
			.append('text')
			.attr('class', 'axis-title')
			.attr('x', (a + b) / 2)
			.attr('y', height + 30)
			.attr('text-anchor', 'middle')
			.text(opts.title);
	}
}
