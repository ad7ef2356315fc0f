// Reading summary capture's outputs back: each layer's per-head row summaries and pooled patterns
// as views into the fetched buffers (heads side by side), in stats/long.ts's shapes.
import type { PooledPattern, RowSummary } from '../stats/index.js';
import type { SummaryGraph } from './long.js';

/** One layer's summaries, one entry per head, as the page reads them (stats/long.ts shapes). */
export interface LayerSummaries {
	layer: number;
	tensor: string;
	heads: number;
	rows: RowSummary[];
	pooled: PooledPattern[];
}

/** Float32 or Int32 data of a fetched output, as its own whole buffer (so it can be transferred). */
function own<T extends Float32Array | Int32Array>(store: Lookup, name: string, kind: { new (b: ArrayBuffer): T }): T {
	const t = store.get(name);
	if (!t) throw new Error(`summary capture: the run did not return "${name}"`);
	const d = t.data as T;
	if (!(d instanceof kind.prototype.constructor)) throw new Error(`summary capture: "${name}" is ${t.dtype}, not what the graph computes`);
	return d.byteOffset === 0 && d.byteLength === d.buffer.byteLength && d.buffer instanceof ArrayBuffer ? d : (d.slice() as T);
}

interface Lookup {
	get(name: string): { dims: readonly number[]; dtype: string; data: ArrayLike<number> | ArrayLike<bigint> } | undefined;
}

/** Each layer's per-head summaries: views into the fetched outputs (heads side by side), nothing copied. */
export function readSummaries(store: Lookup, g: SummaryGraph): LayerSummaries[] {
	// The session's nodes were built for one length; a later run may be shorter or longer (same block).
	const S = store.get(g.layers[0]?.max ?? '')?.dims[2] ?? g.seq;
	const size = Math.ceil(S / g.block);
	const P = size * size;
	return g.layers.map((L) => {
		const max = own(store, L.max, Float32Array);
		const argmax = own(store, L.argmax, Int32Array);
		const entropy = own(store, L.entropy, Float32Array);
		const sink = own(store, L.sink, Float32Array);
		const pmax = own(store, L.poolMax, Float32Array);
		const pmean = own(store, L.poolMean, Float32Array);
		const rows: RowSummary[] = [];
		const pooled: PooledPattern[] = [];
		for (let h = 0; h < L.heads; h++) {
			const at = h * S;
			rows.push({
				seq: S,
				max: max.subarray(at, at + S),
				argmax: argmax.subarray(at, at + S),
				entropy: entropy.subarray(at, at + S),
				sink: sink.subarray(at, at + S)
			});
			pooled.push({ seq: S, block: g.block, size, max: pmax.subarray(h * P, (h + 1) * P), mean: pmean.subarray(h * P, (h + 1) * P) });
		}
		return { layer: L.layer, tensor: L.pattern, heads: L.heads, rows, pooled };
	});
}
