import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNpy, encodeNpy, NpyError, type NpyArray } from '../../src/lib/formats';
import type { DType } from '../../src/lib/onnx/dtype';

// One tensor of every dtype .npy carries, with awkward values (NaN payloads, -0, extremes).
function samples(): NpyArray[] {
	const f32 = Float32Array.from([0, -0, 1.5, -3.25, NaN, Infinity, -Infinity, 3.4e38, 1e-45, 0.1, 7, 8]);
	const f64 = Float64Array.from([Math.PI, -0, NaN, 1e308, 5e-324, -1]);
	return [
		{ dims: [3, 4], dtype: 'float32', data: f32 },
		{ dims: [2, 3], dtype: 'float64', data: f64 },
		{ dims: [2, 2], dtype: 'float16', data: Uint16Array.from([0x3c00, 0x8000, 0x7e01, 0xfbff]) },
		{ dims: [2, 2], dtype: 'int64', data: BigInt64Array.from([0n, -1n, 9223372036854775807n, -9223372036854775808n]) },
		{ dims: [3], dtype: 'uint64', data: BigUint64Array.from([0n, 1n, 18446744073709551615n]) },
		{ dims: [1, 3], dtype: 'int32', data: Int32Array.from([-2147483648, 0, 2147483647]) },
		{ dims: [3], dtype: 'uint32', data: Uint32Array.from([0, 1, 4294967295]) },
		{ dims: [2], dtype: 'int16', data: Int16Array.from([-32768, 32767]) },
		{ dims: [2], dtype: 'uint16', data: Uint16Array.from([0, 65535]) },
		{ dims: [2, 1], dtype: 'int8', data: Int8Array.from([-128, 127]) },
		{ dims: [4], dtype: 'uint8', data: Uint8Array.from([0, 1, 128, 255]) },
		{ dims: [2, 2], dtype: 'bool', data: Uint8Array.from([1, 0, 0, 1]) },
		{ dims: [], dtype: 'float32', data: Float32Array.from([42]) }, // scalar
		{ dims: [0, 3], dtype: 'float32', data: new Float32Array(0) }, // empty
		{ dims: [1, 1, 1, 2, 1], dtype: 'int64', data: BigInt64Array.from([5n, 6n]) }
	];
}

function bytesOf(a: NpyArray): Uint8Array {
	return new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
}

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
if (!hasNumpy) console.warn('npy.test: python3 with numpy not found; skipping the NumPy interop checks');

describe('npy', () => {
	it('round-trips every dtype bit for bit, dims kept', () => {
		for (const a of samples()) {
			const file = encodeNpy(a);
			expect((10 + (file[8] | (file[9] << 8))) % 64).toBe(0); // header padded as NumPy pads it
			const b = decodeNpy(file);
			expect(b.dtype).toBe(a.dtype);
			expect(b.dims).toEqual(a.dims);
			expect(b.data.constructor).toBe(a.data.constructor);
			expect(bytesOf(b)).toEqual(bytesOf(a));
		}
	});

	it('writes the header NumPy writes', () => {
		const file = encodeNpy({ dims: [2, 3], dtype: 'float32', data: new Float32Array(6) });
		const header = new TextDecoder().decode(file.subarray(10, 10 + (file[8] | (file[9] << 8))));
		expect(header.trimEnd()).toBe("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
		const one = encodeNpy({ dims: [5], dtype: 'int64', data: new BigInt64Array(5) });
		expect(new TextDecoder().decode(one.subarray(10, 80))).toContain("'shape': (5,)");
	});

	it('decodes unaligned input (a view at an odd offset)', () => {
		const file = encodeNpy({ dims: [3], dtype: 'float64', data: Float64Array.from([1, 2, 3]) });
		const shifted = new Uint8Array(file.byteLength + 1);
		shifted.set(file, 1);
		expect(Array.from(decodeNpy(shifted.subarray(1)).data as Float64Array)).toEqual([1, 2, 3]);
	});

	it('refuses what it cannot read, with a message', () => {
		expect(() => decodeNpy(new Uint8Array([1, 2, 3]))).toThrow(NpyError);
		expect(() => decodeNpy(new TextEncoder().encode('not a numpy file at all'))).toThrow(/magic/);
		const file = encodeNpy({ dims: [4], dtype: 'float32', data: new Float32Array(4) });
		expect(() => decodeNpy(file.subarray(0, file.byteLength - 1))).toThrow(/truncated/);
		expect(() => encodeNpy({ dims: [2], dtype: 'string' as DType, data: new Uint8Array(2) })).toThrow(NpyError);
		expect(() => encodeNpy({ dims: [3], dtype: 'float32', data: new Float32Array(2) })).toThrow(/elements/);
	});

	it.skipIf(!hasNumpy)('files we write load in numpy with the same values', () => {
		const dir = mkdtempSync(join(tmpdir(), 'bs-npy-'));
		try {
			const list = samples();
			list.forEach((a, i) => writeFileSync(join(dir, `${i}.npy`), encodeNpy(a)));
			const script = `
import numpy as np, json, sys
out = []
for i in range(${list.length}):
    a = np.load(f"${dir}/{i}.npy")
    out.append({"dtype": a.dtype.str, "shape": list(a.shape), "hex": a.tobytes().hex()})
print(json.dumps(out))`;
			const got = JSON.parse(execFileSync('python3', ['-c', script]).toString());
			const descr: Record<string, string> = {
				float32: '<f4',
				float64: '<f8',
				float16: '<f2',
				int64: '<i8',
				uint64: '<u8',
				int32: '<i4',
				uint32: '<u4',
				int16: '<i2',
				uint16: '<u2',
				int8: '|i1',
				uint8: '|u1',
				bool: '|b1'
			};
			list.forEach((a, i) => {
				expect(got[i].dtype).toBe(descr[a.dtype]);
				expect(got[i].shape).toEqual(a.dims);
				expect(got[i].hex).toBe(Buffer.from(bytesOf(a)).toString('hex'));
			});
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it.skipIf(!hasNumpy)('files numpy writes decode (all dtypes, big-endian, Fortran order, format 2.0)', () => {
		const dir = mkdtempSync(join(tmpdir(), 'bs-npy-'));
		try {
			const script = `
import numpy as np
d = "${dir}"
np.save(f"{d}/f32.npy", np.arange(12, dtype=np.float32).reshape(3, 4) / 4)
np.save(f"{d}/f16.npy", np.array([1.0, -2.5, 65504], dtype=np.float16))
np.save(f"{d}/i64.npy", np.array([[1, -2, 3]], dtype=np.int64))
np.save(f"{d}/b.npy", np.array([True, False, True]))
np.save(f"{d}/be.npy", np.arange(6, dtype=">f8").reshape(2, 3))
np.save(f"{d}/fort.npy", np.asfortranarray(np.arange(24, dtype=np.int32).reshape(2, 3, 4)))
np.save(f"{d}/scalar.npy", np.float64(2.5))
with open(f"{d}/v2.npy", "wb") as fh:
    np.lib.format.write_array(fh, np.arange(5, dtype=np.uint8), version=(2, 0))
np.save(f"{d}/rec.npy", np.zeros(2, dtype=[("a", "<f4"), ("b", "<i4")]))`;
			execFileSync('python3', ['-c', script]);
			const load = (n: string) => decodeNpy(new Uint8Array(readFileSync(join(dir, n))));
			const f32 = load('f32.npy');
			expect([f32.dtype, f32.dims]).toEqual(['float32', [3, 4]]);
			expect(Array.from(f32.data as Float32Array)).toEqual(Array.from({ length: 12 }, (_, i) => i / 4));
			const f16 = load('f16.npy');
			expect([f16.dtype, Array.from(f16.data as Uint16Array)]).toEqual(['float16', [0x3c00, 0xc100, 0x7bff]]);
			expect(Array.from(load('i64.npy').data as BigInt64Array)).toEqual([1n, -2n, 3n]);
			expect([load('b.npy').dtype, Array.from(load('b.npy').data as Uint8Array)]).toEqual(['bool', [1, 0, 1]]);
			const be = load('be.npy');
			expect([be.dtype, be.dims, Array.from(be.data as Float64Array)]).toEqual(['float64', [2, 3], [0, 1, 2, 3, 4, 5]]);
			const fort = load('fort.npy');
			expect([fort.dims, Array.from(fort.data as Int32Array)]).toEqual([[2, 3, 4], Array.from({ length: 24 }, (_, i) => i)]);
			const sc = load('scalar.npy');
			expect([sc.dims, Array.from(sc.data as Float64Array)]).toEqual([[], [2.5]]);
			expect(Array.from(load('v2.npy').data as Uint8Array)).toEqual([0, 1, 2, 3, 4]);
			expect(() => load('rec.npy')).toThrow(/Structured/);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
