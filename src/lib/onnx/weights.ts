// NaN and Inf in a model's constant tensors (weights), read where the bytes are: the health
// checks report them, and the page's worker counts them before it lets go of a model's bytes.
import type { TensorProto } from './gen/onnx_pb.js';
import { dtypeName } from './dtype.js';
import { isExternal, tensorArray } from './tensor.js';

// Weights do not change between runs: counted once per tensor. Every run used to decode (copy)
// and scan every initializer: 476 MiB allocated and ~0.5 s per run of a GPT-2-small-sized model.
const counted = new WeakMap<TensorProto, { nan: number; inf: number } | null>();

/** NaN and Inf in a constant tensor (zero for non-float types; null when not readable). */
export function weightCounts(t: TensorProto): { nan: number; inf: number } | null {
	if (counted.has(t)) return counted.get(t)!;
	const dt = dtypeName(t.dataType);
	let k: { nan: number; inf: number } | null = { nan: 0, inf: 0 };
	if (dt === 'float32' || dt === 'float64' || dt === 'float16') {
		const raw = t.rawData;
		if (raw && raw.byteLength > 0 && !isExternal(t)) k = rawCounts(raw, dt);
		else {
			// Typed fields (float_data...) decode to an array whose bytes read the same way.
			const a = tensorArray(t);
			k = a ? rawCounts(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), dt) : null;
		}
	}
	counted.set(t, k);
	return k;
}

/**
 * Little-endian IEEE bytes, read in place (raw_data sits at any offset of the file, so a typed
 * view may not be possible): all-ones exponent is Inf (mantissa 0) or NaN.
 */
function rawCounts(raw: Uint8Array, dt: 'float32' | 'float64' | 'float16'): { nan: number; inf: number } {
	const size = dt === 'float32' ? 4 : dt === 'float64' ? 8 : 2;
	let nan = 0,
		inf = 0;
	for (let p = 0; p + size <= raw.byteLength; p += size) {
		const hi = raw[p + size - 1];
		const next = raw[p + size - 2];
		let special: boolean;
		let mantissa: boolean;
		if (size === 4) {
			special = (hi & 0x7f) === 0x7f && (next & 0x80) === 0x80;
			mantissa = special && ((next & 0x7f) | raw[p + 1] | raw[p]) !== 0;
		} else if (size === 2) {
			special = (hi & 0x7c) === 0x7c;
			mantissa = special && ((hi & 0x03) | next) !== 0;
		} else {
			special = (hi & 0x7f) === 0x7f && (next & 0xf0) === 0xf0;
			mantissa = special && ((next & 0x0f) | raw[p + 5] | raw[p + 4] | raw[p + 3] | raw[p + 2] | raw[p + 1] | raw[p]) !== 0;
		}
		if (mantissa) nan++;
		else if (special) inf++;
	}
	return { nan, inf };
}
