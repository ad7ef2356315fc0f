// Summary capture in the worker (runtime/long.ts builds the graph): the two feeds that pick the
// exact head, and the result's `long` part taken out of a run's store. The summaries leave the
// tensor list (they are the page's to draw, not tensors of the model) and their buffers are
// transferred; the shown head's exact pattern stays in it, with an attention entry of its own.
import { HEAD_INPUT, HEAD_PATTERN, LAYER_INPUT, NORM_PREFIX, readSummaries, summaryFeeds, type CapturePlan } from '../runtime/index.js';
import { storeOf, type CapturedTensor, type TensorStore } from '../tensor/index.js';
import type { Structure } from '../analysis/index.js';
import type { AttentionRef, LongCapture } from './protocol.js';

/** The feeds that pick the exact pattern's layer and head (none outside summary capture). */
export function longFeeds(plan: CapturePlan, layer: number, head: number): Record<string, CapturedTensor> {
	if (!plan.summary) return {};
	return Object.fromEntries(summaryFeeds(layer, head).map((t) => [t.name, t]));
}

/** The shown layer and head as the graph will pick them (clamped to what exists). */
export function shownHead(plan: CapturePlan, layer: number, head: number): { layer: number; head: number; heads: number } | null {
	const layers = plan.summary?.layers ?? [];
	if (!layers.length) return null;
	const L = layers.find((l) => l.layer === layer) ?? layers[0];
	return { layer: L.layer, head: Math.min(Math.max(0, Math.floor(head)), L.heads - 1), heads: L.heads };
}

/**
 * The run's store less the summaries and the two picking feeds, and the `long` part with its
 * buffers to transfer. `served`: the session's first run, or one more forward pass on it.
 */
export function takeSummaries(
	store: TensorStore,
	plan: CapturePlan,
	at: { layer: number; head: number },
	served: LongCapture['served'],
	ms: number
): { store: TensorStore; long?: LongCapture; transfer: ArrayBuffer[] } {
	const g = plan.summary;
	const shown = shownHead(plan, at.layer, at.head);
	if (!g || !shown) return { store, transfer: [] };
	const layers = readSummaries(store, g);
	const logitsOut = new Set(g.logits?.fetched ? g.logits.outputs : []);
	const drop = new Set([...g.outputs.filter((n) => n !== HEAD_PATTERN && !logitsOut.has(n)), HEAD_INPUT, LAYER_INPUT]);
	// The shown layer's tensors picked in the graph get their own names back (that layer's).
	const named = new Map(g.shown.map((r) => [r.output, r.byLayer[shown.layer]]));
	const kept = storeOf(
		[...store].flatMap((t) => {
			const real = named.get(t.name);
			if (real) return [{ ...t, name: real }];
			return drop.has(t.name) ? [] : [t];
		})
	);
	const transfer = new Set<ArrayBuffer>();
	for (const L of layers)
		for (const a of [...L.rows.flatMap((r) => [r.max, r.argmax, r.entropy, r.sink]), ...L.pooled.flatMap((p) => [p.max, p.mean])])
			transfer.add(a.buffer as ArrayBuffer);
	const norms = normsOf(store);
	for (const a of Object.values(norms)) transfer.add(a.buffer as ArrayBuffer);
	const headPattern = HEAD_PATTERN;
	const seq = kept.get(headPattern)?.dims[3] ?? g.seq;
	const logits = g.logits
		? { tensors: g.logits.outputs.filter((n) => kept.has(n)), from: Math.max(0, seq - g.logits.window), of: seq }
		: undefined;
	return {
		store: kept,
		long: {
			seq,
			target: g.target,
			layer: shown.layer,
			head: shown.head,
			headPattern,
			layers,
			norms,
			served,
			ms,
			...(logits ? { logits } : {})
		},
		transfer: [...transfer]
	};
}

/** The graph's per-token stream norms (batch 0, float32) by the stream tensor's own name. */
function normsOf(store: TensorStore): Record<string, Float32Array> {
	const out: Record<string, Float32Array> = {};
	for (const t of store) {
		if (!t.name.startsWith(NORM_PREFIX) || !(t.data instanceof Float32Array)) continue;
		const S = t.dims[t.dims.length - 1] ?? 0;
		// Batch 0, as a whole buffer of its own (transferable).
		out[t.name.slice(NORM_PREFIX.length)] = t.data.slice(0, S);
	}
	return out;
}

/** The attention entry of the shown head's exact pattern: one head of its layer, as `onlyHead` says. */
export function headRef(long: LongCapture, structure: Structure | null): AttentionRef {
	const a = structure?.layers.find((L) => L.index === long.layer)?.attention;
	return {
		layer: long.layer,
		tensor: long.headPattern,
		masked: a?.masked ?? null,
		scores: null,
		op: 'Softmax',
		onlyHead: long.head,
		heads: long.layers.find((L) => L.layer === long.layer)?.heads
	};
}
