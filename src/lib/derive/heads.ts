// The loop every fused attention shares once its operands are read: per (batch, query head),
// gather that head's query rows and key rows, compute the pattern with the op's row rule, and
// check pattern @ V against the op's output.
import { headPattern, selfCheck, type RowRule } from './softmax.js';
import type { DerivedPattern } from './types.js';

export type At = (b: number, h: number, i: number, d: number) => number;

export interface AttnSpec {
	B: number;
	H: number; // query heads
	S: number; // queries
	T: number; // keys
	hd: number; // Q/K head size
	hv: number; // V head size
	q: At; // (b, h, s, d)
	k: At; // (b, h, j, d): the KV head query head h reads
	v: At; // (b, h, j, d)
	/** The op's output at (b, s, h, d); null when it was not captured. */
	out: At | null;
	rule: (b: number, h: number) => RowRule;
}

export function patternOf(a: AttnSpec): DerivedPattern {
	const { B, H, S, T, hd } = a;
	const pattern = new Float32Array(B * H * S * T); // (B, H, S, T)
	for (let b = 0; b < B; b++)
		for (let h = 0; h < H; h++) {
			const q = new Float64Array(S * hd);
			const k = new Float64Array(T * hd);
			for (let s = 0; s < S; s++) for (let d = 0; d < hd; d++) q[s * hd + d] = a.q(b, h, s, d);
			for (let j = 0; j < T; j++) for (let d = 0; d < hd; d++) k[j * hd + d] = a.k(b, h, j, d);
			headPattern({ q, k, S, T, hd }, a.rule(b, h), pattern, (b * H + h) * S * T);
		}
	const err = a.out ? selfCheck(pattern, a.v, a.out, B, H, S, T, a.hv) : null;
	return { dims: [B, H, S, T], data: pattern, selfCheck: err };
}

/** An index into a tensor broadcast (right-aligned, size-1 axes repeated) to (B, H, S, T); -1 past its last axis. */
export function broadcastIndex(dims: number[], b: number, h: number, s: number, j: number): number {
	const full = [1, 1, 1, 1].slice(0, 4 - dims.length).concat(dims);
	const at = [b, h, s, j].map((x, i) => (full[i] === 1 ? 0 : x));
	if (at[3] >= full[3]) return -1; // a mask shorter than the keys: the rest are masked
	return ((at[0] * full[1] + at[1]) * full[2] + at[2]) * full[3] + at[3];
}
