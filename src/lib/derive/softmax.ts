// The core every fused attention shares: per (batch, query head), scores = scale * q k^T + bias,
// keys a row may not see dropped, optional soft-capping, softmax. Float64 throughout.

/** One head's query rows and key rows: row-major (S, hd) and (T, hd). */
export interface HeadQK {
	q: Float64Array;
	k: Float64Array;
	S: number;
	T: number;
	hd: number;
}

export interface RowRule {
	scale: number;
	/** Whether query s may see key j (causal, window, padding index). */
	visible: (s: number, j: number) => boolean;
	/** Additive term for (s, j): a raw mask's filter value, attention_bias; 0 when none. */
	bias: (s: number, j: number) => number;
	softcap: number; // 0: none
}

/** (S, T) probabilities, written into out at offset. A row with no visible key stays 0. */
export function headPattern(h: HeadQK, rule: RowRule, out: Float32Array, offset: number): void {
	const row = new Float64Array(h.T);
	for (let s = 0; s < h.S; s++) {
		let max = -Infinity;
		for (let j = 0; j < h.T; j++) {
			if (!rule.visible(s, j)) {
				row[j] = -Infinity;
				continue;
			}
			let dot = 0;
			for (let d = 0; d < h.hd; d++) dot += h.q[s * h.hd + d] * h.k[j * h.hd + d];
			let x = dot * rule.scale;
			if (rule.softcap > 0) x = rule.softcap * Math.tanh(x / rule.softcap);
			x += rule.bias(s, j);
			row[j] = x;
			if (x > max) max = x;
		}
		if (max === -Infinity) continue;
		let sum = 0;
		for (let j = 0; j < h.T; j++) sum += row[j] === -Infinity ? 0 : (row[j] = Math.exp(row[j] - max));
		for (let j = 0; j < h.T; j++) out[offset + s * h.T + j] = row[j] === -Infinity ? 0 : row[j] / sum;
	}
}

/** Largest |pattern @ V - the op's output| over every head: the self-check. */
export function selfCheck(
	pattern: Float32Array, // (B, H, S, T)
	value: (b: number, h: number, j: number, d: number) => number,
	output: (b: number, s: number, h: number, d: number) => number,
	B: number,
	H: number,
	S: number,
	T: number,
	hd: number
): number {
	let worst = 0;
	for (let b = 0; b < B; b++)
		for (let h = 0; h < H; h++)
			for (let s = 0; s < S; s++)
				for (let d = 0; d < hd; d++) {
					let z = 0;
					const base = ((b * H + h) * S + s) * T;
					for (let j = 0; j < T; j++) z += pattern[base + j] * value(b, h, j, d);
					const e = Math.abs(z - output(b, s, h, d));
					if (!(e <= worst)) worst = Number.isNaN(e) ? Infinity : e;
				}
	return worst;
}
