// Token axes for a heatmap, drawn into an SVG group with d3-axis. Labels go in via d3's .text()
// (textContent), never as markup.
import { axisLeft, axisTop } from 'd3-axis';
import { select } from 'd3-selection';
import { gridScales, tickPositions, type GridBox } from './grid.js';
import { axisLabel } from './labels.js';

export interface AxisLabels {
	rows: readonly string[] | null; // query tokens (y)
	cols: readonly string[] | null; // key tokens (x)
	/** Token ids per position: each label then carries data-testid="token-label", data-token-id and data-pos. */
	ids?: readonly number[] | null;
}

/** Approximate advance of one label character at the axis font size (11px). */
const CHAR_PX = 7;
const TICK_PX = 9; // tick line + gap
const TITLE_PX = 18; // axis title line

export interface AxisLayout {
	/** Room the axes need left of and above the grid (CSS px). */
	left: number;
	top: number;
	/** Key labels turn -60 degrees when the widest would not fit its column. */
	rotate: boolean;
}

function widest(n: number, length: number, labels: readonly string[] | null): { ticks: number[]; chars: number } {
	const ticks = tickPositions(n, length);
	return { ticks, chars: Math.max(1, ...ticks.map((i) => [...axisLabel(i, labels?.[i])].length)) };
}

export function axisLayout(box: GridBox, labels: AxisLabels): AxisLayout {
	const x = widest(box.cols, box.width, labels.cols);
	const y = widest(box.rows, box.height, labels.rows);
	const colPx = (box.width / box.cols) * (x.ticks.length > 1 ? x.ticks[1] - x.ticks[0] : 1);
	const rotate = x.chars * CHAR_PX > colPx;
	const top = TICK_PX + TITLE_PX + (rotate ? Math.ceil(x.chars * CHAR_PX * Math.sin(Math.PI / 3)) : 14);
	return { left: TICK_PX + TITLE_PX + y.chars * CHAR_PX, top, rotate };
}

/** Draws key tokens along the top and query tokens down the left of the grid at (0, 0) of `g`. */
export function drawTokenAxes(
	g: SVGGElement,
	box: GridBox,
	labels: AxisLabels,
	titles: { x: string; y: string } = { x: 'key', y: 'query' }
): void {
	const { x, y } = gridScales(box);
	const layout = axisLayout(box, labels);
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
	const ids = labels.ids;
	if (ids)
		root
			.selectAll<SVGTextElement, number>('.tick text')
			.filter((i) => i < ids.length)
			.attr('data-testid', 'token-label')
			.attr('data-token-id', (i) => ids[i])
			.attr('data-pos', (i) => i);
	if (layout.rotate)
		root
			.select<SVGGElement>('.axis-x')
			.selectAll<SVGTextElement, number>('text')
			.attr('transform', 'rotate(-60)')
			.attr('text-anchor', 'start')
			.attr('dx', '0.4em')
			.attr('dy', '0.3em');
	root
		.append('text')
		.attr('class', 'axis-title')
		.attr('x', box.width / 2)
		.attr('y', -(layout.top - 12))
		.attr('text-anchor', 'middle')
		.text(titles.x);
	root
		.append('text')
		.attr('class', 'axis-title')
		.attr('transform', `translate(${-(layout.left - 12)}, ${box.height / 2}) rotate(-90)`)
		.attr('text-anchor', 'middle')
		.text(titles.y);
}
