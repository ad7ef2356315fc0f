// Token axes for a heatmap, drawn into an SVG group with d3-axis. Labels go in via d3's .text()
// (textContent), never as markup.
import { axisLeft, axisTop } from 'd3-axis';
import { select } from 'd3-selection';
import { gridScales, tickPositions, type GridBox } from './grid.js';
import { axisLabel } from './labels.js';

export interface AxisLabels {
	rows: readonly string[] | null; // query tokens (y)
	cols: readonly string[] | null; // key tokens (x)
}

/** Draws key tokens along the top and query tokens down the left of the grid at (0, 0) of `g`. */
export function drawTokenAxes(g: SVGGElement, box: GridBox, labels: AxisLabels): void {
	const { x, y } = gridScales(box);
	const root = select(g);
	root.selectAll('*').remove();
	const top = axisTop(x)
		.tickValues(tickPositions(box.cols, box.width))
		.tickFormat((i) => axisLabel(i, labels.cols?.[i]))
		.tickSizeOuter(0);
	const left = axisLeft(y)
		.tickValues(tickPositions(box.rows, box.height))
		.tickFormat((i) => axisLabel(i, labels.rows?.[i]))
		.tickSizeOuter(0);
	root.append('g').attr('class', 'axis axis-x').call(top);
	root.append('g').attr('class', 'axis axis-y').call(left);
	// Key labels turn when the widest one would not fit its column (about 7 px per character).
	const ticks = tickPositions(box.cols, box.width);
	const widest = Math.max(0, ...ticks.map((i) => [...axisLabel(i, labels.cols?.[i])].length));
	const rotate = widest * 7 > (box.width / box.cols) * (ticks.length > 1 ? ticks[1] - ticks[0] : 1);
	if (rotate)
		root
			.select<SVGGElement>('.axis-x')
			.selectAll<SVGTextElement, number>('text')
			.attr('transform', 'rotate(-60)')
			.attr('text-anchor', 'start')
			.attr('dx', '0.4em')
			.attr('dy', '0.3em');
	root.append('text').attr('class', 'axis-title').attr('x', box.width / 2).attr('y', rotate ? -48 : -24).attr('text-anchor', 'middle').text('key');
	root
		.append('text')
		.attr('class', 'axis-title')
		.attr('transform', `translate(-44, ${box.height / 2}) rotate(-90)`)
		.attr('text-anchor', 'middle')
		.text('query');
}
