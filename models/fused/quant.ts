// MatMulNBits weights as ORT's quantizer stores them (ContribOperators.md, MatMulNBits): for a
// K x N weight used as y = x W, B is uint8 [N, K / block, block / 2] with two 4-bit values per
// byte (low nibble first, k ascending); scales [N * K / block]; optional zero points packed two
// per byte [N * ceil((K / block) / 2)], 8 when absent. Dequantized: w[k][n] = (q - zp) * scale.
import { uniform } from '../../src/lib/stats/random.js';

export interface Q4 {
	K: number;
	N: number;
	block: number;
	packed: Uint8Array; // [N, K / block, block / 2]
	scales: Float32Array; // [N * K / block]
	zeros: Uint8Array | null; // [N * ceil(blocks / 2)]
	/** The weight the op computes with, (K, N) row-major, float64. */
	dequant: Float64Array;
}

export function q4(K: number, N: number, block: number, seed: number, withZeros: boolean): Q4 {
	const r = uniform(seed);
	const blocks = K / block;
	const q = Array.from({ length: N * K }, () => Math.floor(r() * 16)); // q[n * K + k]
	const scales = Float32Array.from({ length: N * blocks }, () => 0.01 + r() * 0.03);
	const zp = Array.from({ length: N * blocks }, () => (withZeros ? 6 + Math.floor(r() * 5) : 8));
	const packed = new Uint8Array((N * K) / 2);
	for (let n = 0; n < N; n++) for (let k = 0; k < K; k += 2) packed[(n * K + k) / 2] = q[n * K + k] | (q[n * K + k + 1] << 4);
	const zb = Math.ceil(blocks / 2);
	const zeros = withZeros ? new Uint8Array(N * zb) : null;
	if (zeros) for (let n = 0; n < N; n++) for (let b = 0; b < blocks; b++) zeros[n * zb + (b >> 1)] |= zp[n * blocks + b] << (4 * (b & 1));
	const dequant = new Float64Array(K * N);
	for (let n = 0; n < N; n++)
		for (let k = 0; k < K; k++) {
			const b = Math.floor(k / block);
			dequant[k * N + n] = (q[n * K + k] - zp[n * blocks + b]) * scales[n * blocks + b];
		}
	return { K, N, block, packed, scales, zeros, dequant };
}
