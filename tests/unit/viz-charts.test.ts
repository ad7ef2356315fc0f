// Issue 5's chart helpers: scales, pixel -> token / bin / point, bar and step paths, residual-flow
// points from the report's ResidStats, and the readouts' exact values.
import { describe, expect, it } from 'vitest';
import { scaleLinear } from 'd3-scale';
import {
	finiteExtent,
	meanOf,
	nearestPoint,
	nearestX,
	plotBox,
	positionAt,
	positionScale,
	valueDomain,
	valueScale
} from '../../src/lib/viz/chart';
import { barsPath, baseline, nonFinitePositions } from '../../src/lib/viz/bars';
import { binOf, fraction, histogram, maxFraction, sharedDomain, stepPath } from '../../src/lib/viz/histogram';
import {
	describePoint,
	flowScale,
	streamSummary,
	layerAtPosition,
	measuredAfterNorm,
	pointValue,
	ratioPoints,
	streamPoints
} from '../../src/lib/viz/flow';
import { linePath, markers, nearestMarker, nonFiniteXs } from '../../src/lib/viz/lines';
import { flowReadout, histogramReadout, normStatReadout } from '../../src/lib/viz/chart-readout';
import type { ResidStats } from '../../src/lib/report/resid';

describe('chart scales', () => {
	it('plot box: margins around a plot area of whole pixels', () => {
		const b = plotBox(300.7, 120, { top: 10, right: 8, bottom: 20, left: 40 });
		expect(b.width).toBe(252);
		expect(b.height).toBe(90);
		expect(b.outerWidth).toBe(300);
		expect(plotBox(20, 20, { top: 10, right: 10, bottom: 10, left: 10 }).width).toBe(10); // never collapses
	});

	it('value domains ignore non-finite values, hold 0 and references when asked', () => {
		expect(finiteExtent([3, NaN, -1, Infinity, null, 2])).toEqual([-1, 3]);
		expect(finiteExtent([NaN, -Infinity])).toBeNull();
		expect(valueDomain([2, 5])).toEqual([2, 5]);
		expect(valueDomain([2, 5], { zero: true })).toEqual([0, 5]);
		expect(valueDomain([2, 5], { include: [8] })).toEqual([2, 8]);
		expect(valueDomain([NaN])).toEqual([0, 1]);
		expect(valueDomain([4])).toEqual([3.6, 4.4]);
		expect(valueDomain([4], { zero: true })).toEqual([0, 4]);
		expect(valueDomain([0], { zero: true })).toEqual([0, 1]);
		expect(valueDomain([0])).toEqual([-1, 1]);
	});

	it('y runs bottom-up over nice ends', () => {
		const y = valueScale([0.13, 9.7], 100);
		expect(y.domain()).toEqual([0, 10]);
		expect(y(0)).toBe(100);
		expect(y(10)).toBe(0);
	});

	it('pixel -> token: band i is [i w / n, (i + 1) w / n), outside is null', () => {
		const x = positionScale(22, 330);
		expect(x(0)).toBe(0);
		expect(x(21)).toBe(315);
		expect(x.bandwidth()).toBe(15);
		expect(positionAt(0, 22, 330)).toBe(0);
		expect(positionAt(14.99, 22, 330)).toBe(0);
		expect(positionAt(15, 22, 330)).toBe(1);
		expect(positionAt(329.9, 22, 330)).toBe(21);
		expect(positionAt(330, 22, 330)).toBeNull();
		expect(positionAt(-0.1, 22, 330)).toBeNull();
		expect(positionAt(5, 0, 330)).toBeNull();
		// Every band centre maps back to its token.
		for (let i = 0; i < 22; i++) expect(positionAt(x(i)! + x.bandwidth() / 2, 22, 330)).toBe(i);
	});

	it('nearest point in pixels, within a distance, skipping non-finite points', () => {
		const pts = [
			{ x: 0, y: 0 },
			{ x: 10, y: 0 },
			{ x: NaN, y: 1 },
			{ x: 10, y: 10 }
		];
		expect(nearestPoint(4, 0, pts)).toBe(0);
		expect(nearestPoint(6, 0, pts)).toBe(1);
		expect(nearestPoint(9, 8, pts)).toBe(3);
		expect(nearestPoint(5, 0, pts)).toBe(0); // a tie keeps the earlier
		expect(nearestPoint(50, 50, pts, 5)).toBeNull();
		expect(nearestPoint(0, 0, [])).toBeNull();
		expect(nearestX(0.74, [0, 0.5, 1, 1.5])).toBe(1);
		expect(nearestX(-3, [0, 0.5])).toBe(0);
		expect(nearestX(9, [0, 0.5])).toBe(1);
		expect(nearestX(1, [])).toBeNull();
	});

	it('mean over tokens in token order, NaN kept', () => {
		expect(meanOf([1, 2, 3, 4])).toBe(2.5);
		expect(meanOf([0.1, 0.2, 0.3])).toBe((0.1 + 0.2 + 0.3) / 3);
		expect(meanOf([1, NaN])).toBeNaN();
		expect(meanOf([])).toBeNull();
		expect(meanOf(null)).toBeNull();
	});
});

describe('bars', () => {
	const x = positionScale(4, 40);
	const y = scaleLinear().domain([0, 10]).range([100, 0]);

	it('one subpath per finite bar, from the baseline to the value', () => {
		expect(baseline(y)).toBe(100);
		expect(barsPath([5, NaN, 10, null], x, y)).toBe('M0.5,100H9.5V50H0.5ZM20.5,100H29.5V0H20.5Z');
		expect(nonFinitePositions([5, NaN, Infinity, null, 1])).toEqual([1, 2]);
	});

	it('negative values grow down from 0; a domain without 0 starts at its nearer end', () => {
		const yy = scaleLinear().domain([-10, 10]).range([100, 0]);
		expect(baseline(yy)).toBe(50);
		expect(barsPath([-5], positionScale(1, 10), yy)).toBe('M0.5,50H9.5V75H0.5Z');
		expect(baseline(scaleLinear().domain([2, 4]).range([100, 0]))).toBe(100);
	});
});

describe('histogram', () => {
	it('equal-width bins, the max in the last bin, non-finite counted apart', () => {
		const h = histogram({ data: [0, 0.5, 1, 2, 3.99, 4, NaN, Infinity] }, [0, 4], 4);
		expect(h.edges).toEqual([0, 1, 2, 3, 4]);
		expect(h.counts).toEqual([2, 1, 1, 2]);
		expect(h.total).toBe(6);
		expect(h.nonFinite).toBe(2);
		expect(fraction(h, 0)).toBe(2 / 6);
		expect(maxFraction(h)).toBe(2 / 6);
		expect(binOf(h, 4)).toBe(3);
		expect(binOf(h, 0.99)).toBe(0);
		expect(binOf(h, -5)).toBe(0);
		expect(binOf(h, NaN)).toBeNull();
	});

	it('a strided window: one token of a [2, 3] tensor', () => {
		const data = [1, 2, 3, 10, 20, 30];
		expect(sharedDomain([{ data, start: 3, count: 3 }])).toEqual([10, 30]);
		expect(sharedDomain([{ data, start: 0, count: 3 }, { data: [NaN, -4, Infinity] }])).toEqual([-4, 3]);
		expect(sharedDomain([{ data: [NaN] }])).toBeNull();
		expect(histogram({ data, start: 3, count: 3 }, [10, 30], 2).counts).toEqual([1, 2]);
	});

	it('step outline closed to the baseline', () => {
		const h = histogram({ data: [0, 1, 1, 1] }, [0, 2], 2);
		const x = scaleLinear().domain([0, 2]).range([0, 20]);
		const y = scaleLinear().domain([0, 1]).range([10, 0]);
		expect(stepPath(h, x, y)).toBe('M0,10V7.5H10V2.5H20V10Z');
	});
});

function resid(i: number, o: Partial<ResidStats> = {}): ResidStats {
	return {
		pre: [i, i],
		mid: [i + 0.5, i + 0.5],
		post: [i + 1, i + 3],
		attn_ratio: [0.1 * (i + 1), 0.3],
		mlp_ratio: [0.2, 0.2],
		both_ratio: null,
		tensors: { pre: `l${i}/in`, mid: `l${i}/mid`, post: `l${i + 1}/in` },
		measured_at: 'stream',
		before_norm: null,
		ratios: { attn: { branch: `l${i}/attn`, stream: `l${i}/in` }, mlp: { branch: `l${i}/mlp`, stream: `l${i}/mid` }, both: null },
		...o
	};
}

describe('residual flow points', () => {
	it('one point per layer and sub-layer, plus the first input; joined blocks drawn once', () => {
		const rs = [resid(0), resid(1), resid(2)];
		const pts = streamPoints(rs);
		expect(pts.map((p) => [p.x, p.layer, p.key])).toEqual([
			[0, 0, 'pre'],
			[0.5, 0, 'mid'],
			[1, 0, 'post'],
			[1.5, 1, 'mid'],
			[2, 1, 'post'],
			[2.5, 2, 'mid'],
			[3, 2, 'post']
		]);
		expect(pts[2].tensor).toBe('l1/in');
		// A block whose input is not the previous output gets its own pre point.
		const gap = streamPoints([resid(0), resid(1, { tensors: { pre: 'other', mid: 'l1/mid', post: 'l2/in' } })]);
		expect(gap.filter((p) => p.key === 'pre').map((p) => p.x)).toEqual([0, 1]);
	});

	it('parallel blocks have no mid; ratios sit where their add lands', () => {
		const par = streamPoints([resid(0, { mid: null }), resid(1, { mid: null })]);
		expect(par.map((p) => p.x)).toEqual([0, 1, 2]);
		const a = ratioPoints([resid(0), resid(1)], 'attn');
		const m = ratioPoints([resid(0), resid(1)], 'mlp');
		expect(a.map((p) => [p.x, p.tensor])).toEqual([
			[0.5, 'l0/attn'],
			[1.5, 'l1/attn']
		]);
		expect(m.map((p) => p.x)).toEqual([1, 2]);
	});

	it('post-norm: the LN outputs by default, the raw sums on request', () => {
		const post = resid(0, {
			measured_at: 'after-norm',
			before_norm: { mid: [9, 9], post: [11, 13], tensors: { mid: 'l0/sum1', post: 'l0/sum2' } }
		});
		expect(measuredAfterNorm([resid(0), post])).toBe(true);
		expect(measuredAfterNorm([resid(0)])).toBe(false);
		const before = streamPoints([post], 'before-norm');
		expect(before.map((p) => [p.x, p.key, p.tensor])).toEqual([
			[0.5, 'mid', 'l0/sum1'],
			[1, 'post', 'l0/sum2']
		]);
		expect(streamPoints([resid(0)], 'before-norm')).toEqual([]);
		expect(describePoint(before[1], 'after-norm', 'before-norm')).toMatch(/before the LN/);
		expect(describePoint(streamPoints([post])[1], 'after-norm')).toMatch(/after the LN/);
	});

	it('values: the token or the mean over tokens', () => {
		const p = streamPoints([resid(0)])[2];
		expect(pointValue(p, null)).toBe(2);
		expect(pointValue(p, 1)).toBe(3);
		expect(pointValue(p, 7)).toBeNull();
	});

	it('summary: growth of the mean stream norm and the largest distance from sqrt(d)', () => {
		const s = streamSummary([resid(0), resid(1)], 4)!;
		// points: pre 0, mid 0.5, post 2 (mean of 1 and 3), mid 1.5, post 3
		expect(s.first).toBe(0);
		expect(s.last).toBe(3);
		expect(s.growth).toBe(Infinity);
		expect(s.maxOff).toBe(1.5);
		expect(streamSummary([resid(1)], null)!.maxOff).toBeNull();
		expect(streamSummary([], 4)).toBeNull();
	});

	it('x positions and the layer under a position', () => {
		const x = flowScale(4, 416, 8);
		expect(x(0)).toBe(8);
		expect(x(4)).toBe(408);
		expect(layerAtPosition(0, 4)).toBe(0);
		expect(layerAtPosition(0.99, 4)).toBe(0);
		expect(layerAtPosition(1, 4)).toBe(1);
		expect(layerAtPosition(4, 4)).toBe(3);
		expect(layerAtPosition(-1, 4)).toBe(0);
		expect(layerAtPosition(1, 0)).toBeNull();
	});
});

describe('line series', () => {
	const x = scaleLinear().domain([0, 2]).range([0, 200]);
	const y = scaleLinear().domain([0, 10]).range([100, 0]);
	const s = [
		{
			id: 'a',
			label: 'a',
			color: 'red',
			points: [
				{ x: 0, value: 1 },
				{ x: 1, value: NaN },
				{ x: 2, value: 5 }
			]
		},
		{
			id: 'b',
			label: 'b',
			color: 'blue',
			points: [
				{ x: 0, value: 8 },
				{ x: 1, value: 9 }
			]
		}
	];

	it('paths break at missing values; markers only for finite points', () => {
		expect(linePath(s[0].points, x, y)).toBe('M0,90ZM200,50Z');
		expect(linePath(s[1].points, x, y)).toBe('M0,20L100,10');
		expect(markers(s, x, y).map((m) => [m.series, m.index])).toEqual([
			[0, 0],
			[0, 2],
			[1, 0],
			[1, 1]
		]);
		expect(nonFiniteXs(s[0].points)).toEqual([1]);
	});

	it('the marker nearest the pointer across series', () => {
		const ms = markers(s, x, y);
		expect(nearestMarker(ms, 95, 15)).toMatchObject({ series: 1, index: 1 });
		expect(nearestMarker(ms, 5, 85)).toMatchObject({ series: 0, index: 0 });
		expect(nearestMarker(ms, 100, 90, 20)).toBeNull();
	});
});

describe('chart readouts', () => {
	it('data-value is String() of the charted number; tokens where a token is meant', () => {
		const r = normStatReadout({
			layer: 1,
			norm: 'LayerNorm 1',
			stat: 'var',
			label: 'variance',
			token: 3,
			value: 0.1 + 0.2,
			tokens: ['a', 'b', 'c', ' ']
		});
		expect(r.value).toBe('0.30000000000000004');
		expect(r.token).toBe(3);
		expect(r.fields[0]).toEqual(['token', '#3 “␣”']);
		const f = flowReadout({
			chart: 'residual-flow',
			series: 'stream-mean',
			seriesLabel: 'mean',
			layer: 2,
			what: 'x',
			value: 8.5,
			token: null,
			tokens: null,
			tensor: 't'
		});
		expect(f.token).toBeNull();
		expect(f.value).toBe('8.5');
		const h = histogramReadout({
			layer: 0,
			norm: 'n',
			series: 'output',
			lo: 0,
			hi: 1,
			fraction: 0.25,
			count: 2,
			otherCount: 3,
			token: null,
			tokens: null
		});
		expect(h.value).toBe('0.25');
		expect(h.fields.map((x) => x[0])).toEqual(['of', 'fraction', 'output count', 'input count']);
	});
});
