// What summary capture sends the page (part of the worker protocol, protocol.ts re-exports it).
import type { PooledPattern, RowSummary } from '../stats/index.js';

/** One layer's summaries under summary capture, one entry per head (0-based), computed by appended graph nodes. */
export interface LongLayer {
	layer: number;
	/** The pattern tensor they summarize (AttentionRef.tensor; not itself fetched: [1, H, S, S] is too large). */
	tensor: string;
	heads: number;
	/** Per head: max, argmax, entropy and sink of every query row (stats/long.ts summarizeRows). */
	rows: RowSummary[];
	/** Per head: the pattern pooled to at most `target` blocks a side, block max and mean (stats/long.ts poolPattern). */
	pooled: PooledPattern[];
}

/**
 * What summary capture returns (runtime/long.ts): every layer's summaries (their typed arrays are
 * transferred, not copied) and the shown head's exact pattern, a [1, 1, S, S] tensor in `tensors`.
 */
export interface LongCapture {
	seq: number;
	/** Pooled patterns have at most this many blocks a side. */
	target: number;
	/** The layer and head (0-based) whose exact pattern `headPattern` is. */
	layer: number;
	head: number;
	/** The name in `tensors` of the shown head's exact pattern [1, 1, S, S] (values equal the full pattern's). */
	headPattern: string;
	/** Every recognized softmax pattern's layer, in layer order. */
	layers: LongLayer[];
	/**
	 * Per-token L2 norms (batch 0) of every stream tensor the residual-flow chart reads, by the
	 * tensor's name, computed in the graph (runtime/long-norms.ts); only the shown layer's streams
	 * are in `tensors`.
	 */
	norms?: Record<string, Float32Array>;
	/**
	 * The LM head ran on the last positions only (runtime/long-logits.ts): `tensors` (the model's
	 * logits outputs) hold positions `from`..`of - 1`, row 0 being position `from`.
	 */
	logits?: { tensors: string[]; from: number; of: number };
	/**
	 * How this result was served: `open` (the first run of a session), `rerun` (one forward pass on the
	 * same session: a layer step, a head switch or new inputs). A head switch the page answers from the
	 * full patterns it holds (full or selective capture) never reaches the worker: the page says `held`.
	 */
	served: 'open' | 'rerun';
	/** Milliseconds of the forward pass that produced it. */
	ms: number;
}
