// The ZIP layer under the .npz export (fflate underneath): round trips, stored and deflated
// entries, the limits and refusals checked here, CRC-32, and Python's zipfile on both sides.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { crc32, readZip, unsafeZipName, writeZip, zipParts, ZipError, type ZipInput } from '../../src/lib/formats';

const hasPython = spawnSync('python3', ['-c', 'import zipfile'], { stdio: 'ignore' }).status === 0;
if (!hasPython) console.warn('npz-zip.test: python3 not found; skipping the zipfile interop checks');

/** Deterministic pseudo-random bytes. */
function bytes(n: number, seed = 1): Uint8Array {
	const out = new Uint8Array(n);
	let s = seed >>> 0 || 1;
	for (let i = 0; i < n; i++) {
		s ^= s << 13;
		s ^= s >>> 17;
		s ^= s << 5;
		out[i] = s & 0xff;
	}
	return out;
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const zlibCrc = (zlib as unknown as { crc32?: (b: Uint8Array) => number }).crc32;

function sample(): ZipInput[] {
	const big = bytes(100_003, 7);
	return [
		{ name: 'a.npy', data: bytes(1000, 3) },
		{ name: 'empty.bin', data: new Uint8Array(0) },
		{ name: 'dir/ä 注意.bin', data: new TextEncoder().encode('unicode name') },
		// chunks, one of them a view at an odd offset into a larger buffer
		{ name: 'chunks.bin', data: [big.subarray(0, 5), big.subarray(5, 99_999), new Uint8Array(0), big.subarray(99_999)] },
		{ name: 'zeros.bin', data: new Uint8Array(50_000) },
		{ name: 'manifest.json', data: new TextEncoder().encode('{"ok": true}\n') }
	];
}

function joined(d: ZipInput['data']): Uint8Array {
	if (d instanceof Uint8Array) return d;
	const out = new Uint8Array(d.reduce((a, c) => a + c.byteLength, 0));
	let o = 0;
	for (const c of d) out.set(c, (o += c.byteLength) - c.byteLength);
	return out;
}

describe('crc32 (PNG chunks)', () => {
	it('matches the check values and zlib on every length and split', () => {
		expect(crc32(new Uint8Array(0))).toBe(0);
		expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
		expect(crc32(new TextEncoder().encode('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
		const data = bytes(70_001, 11);
		for (const n of [1, 2, 7, 8, 9, 63, 64, 65, 1000, 69_998]) {
			const part = data.subarray(3, 3 + n); // unaligned views too
			if (zlibCrc) expect(crc32(part)).toBe(zlibCrc(part));
			const cut = part.length >> 1;
			expect(crc32(part.subarray(cut), crc32(part.subarray(0, cut)))).toBe(crc32(part));
		}
	});
});

describe('writeZip / readZip', () => {
	it.each([false, true])('compress %s: names and bytes round-trip, chunked data included; equal inputs give equal bytes', (compress) => {
		const input = sample();
		const z = writeZip(input, { compress });
		const back = readZip(z);
		expect(back.map((e) => e.name)).toEqual(input.map((e) => e.name));
		back.forEach((e, i) => expect(sha(e.data)).toBe(sha(joined(input[i].data))));
		expect(sha(writeZip(sample(), { compress }))).toBe(sha(z));
		const parts = zipParts(sample(), { compress });
		expect(sha(joined(parts))).toBe(sha(z));
	});

	it('stores by default (the archive holds every byte), deflates on request (50,000 zeros shrink)', () => {
		const input = sample();
		const payload = input.reduce((n, e) => n + joined(e.data).byteLength, 0);
		const stored = writeZip(input);
		const deflated = writeZip(input, { compress: true });
		expect(stored.byteLength).toBeGreaterThan(payload);
		expect(deflated.byteLength).toBeLessThan(stored.byteLength - 45_000);
		// the local header's method field (offset 8): 0 stored, 8 deflate
		expect(new DataView(stored.buffer).getUint16(8, true)).toBe(0);
		expect(new DataView(deflated.buffer).getUint16(8, true)).toBe(8);
	});

	it('stores the date as DOS local time (default 1980-01-01 00:00)', () => {
		const dv = (z: Uint8Array) => new DataView(z.buffer, z.byteOffset, z.byteLength);
		const dated = dv(writeZip([{ name: 'x', data: new Uint8Array(1) }], { date: new Date(2024, 4, 17, 13, 45, 58) }));
		expect(dated.getUint16(10, true)).toBe((13 << 11) | (45 << 5) | 29);
		expect(dated.getUint16(12, true)).toBe((44 << 9) | (5 << 5) | 17);
		const plain = dv(writeZip([{ name: 'x', data: new Uint8Array(1) }]));
		expect([plain.getUint16(10, true), plain.getUint16(12, true)]).toEqual([0, (1 << 5) | 1]);
	});

	it('refuses unsafe, duplicate or too many names with a message', () => {
		const one = (name: string) => () => writeZip([{ name, data: new Uint8Array(1) }]);
		expect(one('')).toThrow(/empty/);
		expect(one('../x.npy')).toThrow(/'\.\.' segment/);
		expect(one('a/../../x')).toThrow(ZipError);
		expect(one('/etc/x')).toThrow(/starts with '\/'/);
		expect(one('C:x')).toThrow(/drive letter/);
		expect(one('a\\b')).toThrow(/'\\'/);
		expect(one('a\u0000b')).toThrow(/control character/);
		expect(one('a\nb')).toThrow(/\\x0a/);
		expect(one('dir/')).toThrow(/folder/);
		expect(() =>
			writeZip([
				{ name: 'x', data: new Uint8Array(0) },
				{ name: 'x', data: new Uint8Array(0) }
			])
		).toThrow(/twice/);
		expect(unsafeZipName('a..b/c.npy')).toBeNull(); // '..' inside a name is not a segment
		expect(unsafeZipName('blocks.0.attn.hook_pattern.npy')).toBeNull();
		// No ZIP64 records: 65535 entries would not fit the classic end record.
		const many: ZipInput[] = Array.from({ length: 65_535 }, (_, i) => ({ name: `${i}`, data: new Uint8Array(0) }));
		expect(() => writeZip(many)).toThrow(/65535 files are more than one ZIP archive without ZIP64 records holds \(65534\)/);
		const fits = readZip(writeZip(many.slice(0, 65_534)));
		expect([fits.length, fits[65_533].name]).toEqual([65_534, '65533']);
	});

	it('refuses what is not an archive, or a truncated one, with a message; reads a view into a larger buffer', () => {
		expect(() => readZip(new TextEncoder().encode('not a zip at all, not even close'))).toThrow(/Not a readable ZIP archive/);
		const z = writeZip([{ name: 'a', data: bytes(64) }]);
		expect(() => readZip(z.subarray(0, z.byteLength - 1))).toThrow(ZipError);
		const padded = new Uint8Array(z.byteLength + 7);
		padded.set(z, 3);
		expect(sha(readZip(padded.subarray(3, 3 + z.byteLength))[0].data)).toBe(sha(bytes(64)));
	});
});

describe.skipIf(!hasPython)('Python zipfile', () => {
	it.each([false, true])('reads what writeZip writes (compress %s): names, UTF-8 flag, method, CRCs (testzip), bytes', (compress) => {
		const dir = mkdtempSync(join(tmpdir(), 'bs-zip-'));
		try {
			const input = sample();
			writeFileSync(join(dir, 'a.zip'), writeZip(input, { compress }));
			const script = `
import zipfile, hashlib, json, sys
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
print(json.dumps([{"name": i.filename, "flag": i.flag_bits, "method": i.compress_type, "sha": hashlib.sha256(z.read(i)).hexdigest()} for i in z.infolist()]))`;
			const got = JSON.parse(execFileSync('python3', ['-c', script, join(dir, 'a.zip')]).toString());
			expect(got.map((g: { name: string }) => g.name)).toEqual(input.map((e) => e.name));
			got.forEach((g: { name: string; flag: number; method: number; sha: string }, i: number) => {
				expect(g.flag & 0x800).toBe(/^[\x20-\x7e]*$/.test(g.name) ? 0 : 0x800); // UTF-8 flag where the name needs it
				expect(g.method).toBe(compress ? 8 : 0);
				expect(g.sha).toBe(sha(joined(input[i].data)));
			});
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('a deflated archive Python writes reads back here', () => {
		const dir = mkdtempSync(join(tmpdir(), 'bs-zip-'));
		try {
			const script = `
import zipfile, sys
with zipfile.ZipFile(sys.argv[1] + "/deflated.zip", "w", zipfile.ZIP_DEFLATED) as d:
    d.writestr("x.npy", b"x" * 1000)
    d.writestr("y.bin", bytes(range(256)))`;
			execFileSync('python3', ['-c', script, dir]);
			const back = readZip(new Uint8Array(readFileSync(join(dir, 'deflated.zip'))));
			expect(back.map((e) => [e.name, e.data.byteLength])).toEqual([
				['x.npy', 1000],
				['y.bin', 256]
			]);
			expect(back[0].data.every((b) => b === 0x78)).toBe(true);
			expect(Array.from(back[1].data)).toEqual(Array.from({ length: 256 }, (_, i) => i));
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
