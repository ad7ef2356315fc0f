// Pointer -> cell without layout reads per move: the grid's client rect is read once when the
// pointer enters (and again after a scroll or resize), then every move is arithmetic on it.
import { cellAt, type Cell } from './grid.js';

export interface Rect {
	left: number;
	top: number;
	width: number;
	height: number;
}

/** The cell under a client-space point, given the grid's client rect and its rows x cols. */
export function cellFromClient(x: number, y: number, rect: Rect, rows: number, cols: number): Cell | null {
	return cellAt(x - rect.left, y - rect.top, { width: rect.width, height: rect.height, rows, cols });
}

export class CachedRect {
	private rect: Rect | null = null;
	private readonly drop = () => (this.rect = null);

	constructor(private readonly el: Element) {
		// Capture: a scroll in any ancestor moves the grid on screen.
		window.addEventListener('scroll', this.drop, { capture: true, passive: true });
		window.addEventListener('resize', this.drop, { passive: true });
	}

	/** The rect, read at most once between scrolls/resizes/invalidations. */
	get(): Rect {
		if (!this.rect) {
			const r = this.el.getBoundingClientRect();
			this.rect = { left: r.left, top: r.top, width: r.width, height: r.height };
		}
		return this.rect;
	}

	invalidate(): void {
		this.rect = null;
	}

	dispose(): void {
		window.removeEventListener('scroll', this.drop, { capture: true });
		window.removeEventListener('resize', this.drop);
	}
}
