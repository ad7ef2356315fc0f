// The colour legend: a fixed [0, 1] domain (not the data extent), so heads and layers compare.
import { axisBottom } from 'd3-axis';
import { scaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import type { ColorLut } from './colors.js';

export const LEGEND_DOMAIN: [number, number] = [0, 1];

/** Gradient stops that follow the table's interpolator (11 stops are smooth at legend size). */
export function legendStops(lut: ColorLut, n = 11): { offset: number; color: string }[] {
	return Array.from({ length: n }, (_, i) => ({ offset: i / (n - 1), color: lut.interpolate(i / (n - 1)) }));
}

let uid = 0;

/** `domain`: the values at the ramp's ends (attention: the fixed [0, 1]; tensors: [-m, m]). */
export function drawLegend(
	g: SVGGElement,
	lut: ColorLut,
	width: number,
	height = 10,
	maskedSwatch = true,
	domain: readonly [number, number] = LEGEND_DOMAIN
): void {
	const root = select(g);
	root.selectAll('*').remove();
	const id = `bs-legend-${++uid}`;
	const grad = root.append('defs').append('linearGradient').attr('id', id).attr('x1', '0%').attr('x2', '100%');
	for (const s of legendStops(lut))
		grad
			.append('stop')
			.attr('offset', `${s.offset * 100}%`)
			.attr('stop-color', s.color);
	root.append('rect').attr('width', width).attr('height', height).attr('fill', `url(#${id})`).attr('class', 'legend-ramp');
	const x = scaleLinear().domain([domain[0], domain[1]]).range([0, width]);
	root
		.append('g')
		.attr('class', 'axis legend-axis')
		.attr('transform', `translate(0, ${height})`)
		.call(
			axisBottom(x)
				.ticks(width < 160 ? 3 : 5, domain === LEGEND_DOMAIN ? undefined : '~g')
				.tickSizeOuter(0)
		);
	if (maskedSwatch) {
		const [r, gr, b] = lut.masked;
		const sw = root
			.append('g')
			.attr('class', 'legend-masked')
			.attr('transform', `translate(${width + 16}, 0)`);
		sw.append('rect').attr('width', height).attr('height', height).attr('fill', `rgb(${r}, ${gr}, ${b})`);
		sw.append('text')
			.attr('x', height + 4)
			.attr('y', height - 1)
			.text('masked');
	}
}
