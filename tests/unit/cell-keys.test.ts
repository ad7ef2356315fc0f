import { describe, expect, it } from 'vitest';
import { cellKey } from '../../src/lib/viz/cell-keys';

const key = (k: string, mods: Partial<{ shiftKey: boolean; altKey: boolean; ctrlKey: boolean; metaKey: boolean }> = {}) => ({
	key: k,
	shiftKey: false,
	altKey: false,
	ctrlKey: false,
	metaKey: false,
	...mods
});

describe('cellKey', () => {
	const grid = { rows: 5, cols: 7 };
	it('moves one cell per arrow, ten with Shift, clamped to the grid', () => {
		expect(cellKey(key('ArrowRight'), { row: 2, col: 3 }, grid)).toEqual({ kind: 'move', cell: { row: 2, col: 4 } });
		expect(cellKey(key('ArrowUp'), { row: 2, col: 3 }, grid)).toEqual({ kind: 'move', cell: { row: 1, col: 3 } });
		expect(cellKey(key('ArrowDown', { shiftKey: true }), { row: 2, col: 3 }, grid)).toEqual({ kind: 'move', cell: { row: 4, col: 3 } });
		expect(cellKey(key('ArrowLeft', { shiftKey: true }), { row: 2, col: 3 }, grid)).toEqual({ kind: 'move', cell: { row: 2, col: 0 } });
	});
	it('moves `step` cells per arrow (an overview steps a block)', () => {
		const o = { rows: 100, cols: 100, step: 3 };
		expect(cellKey(key('ArrowRight'), { row: 0, col: 10 }, o)).toEqual({ kind: 'move', cell: { row: 0, col: 13 } });
		expect(cellKey(key('ArrowDown', { shiftKey: true }), { row: 50, col: 0 }, o)).toEqual({ kind: 'move', cell: { row: 80, col: 0 } });
	});
	it('Home/End only where asked for', () => {
		expect(cellKey(key('End'), { row: 2, col: 3 }, { ...grid, homeEnd: true })).toEqual({ kind: 'move', cell: { row: 2, col: 6 } });
		expect(cellKey(key('Home'), { row: 2, col: 3 }, { ...grid, homeEnd: true })).toEqual({ kind: 'move', cell: { row: 2, col: 0 } });
		expect(cellKey(key('End'), { row: 2, col: 3 }, grid)).toBeNull();
	});
	it('Enter and Space pick the cell within the grid', () => {
		expect(cellKey(key('Enter'), { row: 9, col: 1 }, grid)).toEqual({ kind: 'pick', cell: { row: 4, col: 1 } });
		expect(cellKey(key(' '), { row: 0, col: 0 }, grid)).toEqual({ kind: 'pick', cell: { row: 0, col: 0 } });
	});
	it('+ and - zoom only where the heatmap zooms', () => {
		const z = { ...grid, zoomIn: true, zoomOut: true };
		expect(cellKey(key('+'), { row: 1, col: 2 }, z)).toEqual({ kind: 'zoomin', cell: { row: 1, col: 2 } });
		expect(cellKey(key('='), { row: 1, col: 2 }, z)).toEqual({ kind: 'zoomin', cell: { row: 1, col: 2 } });
		expect(cellKey(key('-'), { row: 1, col: 2 }, z)).toEqual({ kind: 'zoomout' });
		expect(cellKey(key('-'), { row: 1, col: 2 }, { ...z, zoomOut: false })).toBeNull();
		expect(cellKey(key('+'), { row: 1, col: 2 }, grid)).toBeNull();
	});
	it('leaves keys with Alt, Ctrl or Meta and other keys to the page', () => {
		expect(cellKey(key('ArrowRight', { ctrlKey: true }), { row: 0, col: 0 }, grid)).toBeNull();
		expect(cellKey(key('ArrowRight', { altKey: true }), { row: 0, col: 0 }, grid)).toBeNull();
		expect(cellKey(key('Enter', { metaKey: true }), { row: 0, col: 0 }, grid)).toBeNull();
		expect(cellKey(key('Escape'), { row: 0, col: 0 }, grid)).toBeNull();
		expect(cellKey(key('a'), { row: 0, col: 0 }, grid)).toBeNull();
	});
});
