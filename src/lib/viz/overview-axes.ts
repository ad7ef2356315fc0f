// Axes of a long pattern's overview or zoom: token positions (not labels: thousands of tokens
// leave no room for text), linear over the region drawn, tick i at the centre of cell i.
import { axisLeft, axisTop } from 'd3-axis';
import { scaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import type { GridBox } from './grid.js';
import type { Region } from './overview.js';

/** Room the axes need left of and above the grid (CSS px). */
export const REGION_AXES = { left: 56, top: 34 };

/** Integer positions to label along [start, start + n), about one per `px` pixels. */
export function positionTicks(start: number, n: number, lengthPx: number, px = 70): number[] {
	const s = scaleLinear().domain([start, start + n - 1]);
	const want = Math.max(2, Math.floor(lengthPx / px));
	return s.ticks(want).filter((t) => Number.isInteger(t) && t >= start && t < start + n);
}

export function drawRegionAxes(
	g: SVGGElement,
	box: Pick<GridBox, 'width' | 'height'>,
	region: Region,
	titles = { x: 'key', y: 'query' }
): void {
	const x = scaleLinear()
		.domain([region.col - 0.5, region.col + region.cols - 0.5])
		.range([0, box.width]);
	const y = scaleLinear()
		.domain([region.row - 0.5, region.row + region.rows - 0.5])
		.range([0, box.height]);
	const root = select(g);
	root.selectAll('*').remove();
	const fmt = (v: number | { valueOf(): number }) => String(Number(v));
	root
		.append('g')
		.attr('class', 'axis axis-x')
		.call(
			axisTop(x)
				.tickValues(positionTicks(region.col, region.cols, box.width))
				.tickFormat(fmt)
				.tickSizeOuter(0)
		);
	root
		.append('g')
		.attr('class', 'axis axis-y')
		.call(
			axisLeft(y)
				.tickValues(positionTicks(region.row, region.rows, box.height, 40))
				.tickFormat(fmt)
				.tickSizeOuter(0)
		);
	root
		.append('text')
		.attr('class', 'axis-title')
		.attr('x', box.width / 2)
		.attr('y', -22)
		.attr('text-anchor', 'middle')
		.text(`${titles.x} position`);
	root
		.append('text')
		.attr('class', 'axis-title')
		.attr('transform', `translate(${-REGION_AXES.left + 12}, ${box.height / 2}) rotate(-90)`)
		.attr('text-anchor', 'middle')
		.text(`${titles.y} position`);
}
