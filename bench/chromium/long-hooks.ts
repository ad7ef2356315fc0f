// What the long-context bench records inside the app's page, installed before the app loads:
// every draw on the attention heatmap's canvas (layer, head, when) and every message from a
// worker (when, how many bytes of typed arrays it carries, the capture info of a result). Written
// as a string: a function would be rewritten by tsx (keepNames) into code that needs a helper
// the page lacks.

export interface Draw {
	layer: string;
	head: string;
	t: number;
}

export interface WorkerNote {
	t: number;
	type: string;
	/** Bytes of every typed array and ArrayBuffer in the message (each counted once). */
	bytes: number;
	/** A result's `capture.requestedBytes`: what capturing the asked-for set would produce. */
	requested?: number;
	runMs?: number;
	mode?: string;
}

declare global {
	interface Window {
		__longDraws?: Draw[];
		__longMessages?: WorkerNote[];
	}
}

export const LONG_HOOKS = `(() => {
	const draws = (window.__longDraws = []);
	const notes = (window.__longMessages = []);
	const draw = CanvasRenderingContext2D.prototype.drawImage;
	CanvasRenderingContext2D.prototype.drawImage = function (...args) {
		const d = this.canvas.dataset;
		if (d.testid === 'attention-heatmap') draws.push({ layer: String(d.layer), head: String(d.head), t: performance.now() });
		return draw.apply(this, args);
	};
	const size = (v, seen, depth) => {
		if (v === null || typeof v !== 'object' || depth > 8 || seen.has(v)) return 0;
		seen.add(v);
		if (v instanceof ArrayBuffer) return v.byteLength;
		if (ArrayBuffer.isView(v)) return v.byteLength;
		let n = 0;
		for (const k in v) n += size(v[k], seen, depth + 1);
		return n;
	};
	const Base = window.Worker;
	window.Worker = class extends Base {
		constructor(...a) {
			super(...a);
			this.addEventListener('message', (ev) => {
				const m = ev.data || {};
				const t = performance.now();
				if (m.type === 'progress') return;
				notes.push({
					t,
					type: String(m.type),
					bytes: size(m, new Set(), 0),
					requested: m.capture ? m.capture.requestedBytes : undefined,
					runMs: m.timings ? m.timings.runMs : undefined,
					mode: m.capture ? m.capture.mode : undefined
				});
			});
		}
	};
})();`;
