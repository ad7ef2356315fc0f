// The ZIP writer under the .npz export: CRC-32, exact layout, ZIP64, refusals, and Python's zipfile.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { crc32, readZip, unsafeZipName, writeZip, ZipError, type ZipInput } from '../../src/lib/formats/zip';

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

describe('crc32', () => {
	it('matches the check value and zlib on every length and split', () => {
		expect(crc32(new Uint8Array(0))).toBe(0);
		expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
		expect(crc32(new TextEncoder().encode('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
		const data = bytes(70_001, 11);
		for (const n of [1, 2, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000, 70_001]) {
			const part = data.subarray(3, 3 + Math.min(n, data.length - 3)); // unaligned views too
			if (zlibCrc) expect(crc32(part)).toBe(zlibCrc(part));
			const cut = part.length >> 1;
			expect(crc32(part.subarray(cut), crc32(part.subarray(0, cut)))).toBe(crc32(part));
		}
	});
});

describe('writeZip', () => {
	it('writes exactly the bytes APPNOTE describes (one entry, hand-checked)', () => {
		const z = writeZip([{ name: 'a.txt', data: new TextEncoder().encode('hi') }]);
		const crc = crc32(new TextEncoder().encode('hi')); // 0xd8932aac
		expect(crc).toBe(0xd8932aac);
		const le = (v: number, n: number) => Array.from({ length: n }, (_, i) => (v / 2 ** (8 * i)) & 0xff);
		const name = [...'a.txt'].map((c) => c.charCodeAt(0));
		const local = [
			...le(0x04034b50, 4), ...le(20, 2), ...le(0x0800, 2), ...le(0, 2), ...le(0, 2), ...le(0x21, 2),
			...le(crc, 4), ...le(2, 4), ...le(2, 4), ...le(5, 2), ...le(0, 2), ...name, 0x68, 0x69
		];
		const central = [
			...le(0x02014b50, 4), ...le(0x0314, 2), ...le(20, 2), ...le(0x0800, 2), ...le(0, 2), ...le(0, 2), ...le(0x21, 2),
			...le(crc, 4), ...le(2, 4), ...le(2, 4), ...le(5, 2), ...le(0, 2), ...le(0, 2), ...le(0, 2), ...le(0, 2),
			...le(0o100644 * 0x10000, 4), ...le(0, 4), ...name
		];
		const end = [...le(0x06054b50, 4), 0, 0, 0, 0, ...le(1, 2), ...le(1, 2), ...le(central.length, 4), ...le(local.length, 4), 0, 0];
		expect(Array.from(z)).toEqual([...local, ...central, ...end]);
	});

	it('round-trips names (UTF-8 flag set) and bytes, chunked data included; equal inputs give equal bytes', () => {
		const input = sample();
		const z = writeZip(input);
		const back = readZip(z);
		expect(back.map((e) => e.name)).toEqual(input.map((e) => e.name));
		back.forEach((e, i) => {
			expect(sha(e.data)).toBe(sha(joined(input[i].data)));
			expect(e.crc32).toBe(crc32(joined(input[i].data)));
			expect(e.zip64).toBe(false);
		});
		expect(sha(writeZip(sample()))).toBe(sha(z));
		// a date is stored as DOS local time
		const dated = writeZip([{ name: 'x', data: new Uint8Array(1) }], { date: new Date(2024, 4, 17, 13, 45, 58) });
		const dv = new DataView(dated.buffer);
		expect(dv.getUint16(10, true)).toBe((13 << 11) | (45 << 5) | 29);
		expect(dv.getUint16(12, true)).toBe((44 << 9) | (5 << 5) | 17);
	});

	it('writes ZIP64 records for every entry when asked, and reads them back', () => {
		const input = sample();
		const z = writeZip(input, { zip64: 'always' });
		const back = readZip(z);
		expect(back.map((e) => e.name)).toEqual(input.map((e) => e.name));
		back.forEach((e, i) => {
			expect(e.zip64).toBe(true);
			expect(sha(e.data)).toBe(sha(joined(input[i].data)));
		});
		const dv = new DataView(z.buffer, z.byteOffset, z.byteLength);
		const end = z.byteLength - 22;
		expect(dv.getUint32(end, true)).toBe(0x06054b50);
		expect([dv.getUint16(end + 8, true), dv.getUint32(end + 12, true), dv.getUint32(end + 16, true)]).toEqual([0xffff, 0xffffffff, 0xffffffff]);
		expect(dv.getUint32(end - 20, true)).toBe(0x07064b50);
		expect(dv.getUint32(end - 20 - 56, true)).toBe(0x06064b50);
		expect(dv.getUint16(4, true)).toBe(45); // version needed
	});

	it('switches to ZIP64 end records by itself past 65534 entries', () => {
		const input: ZipInput[] = Array.from({ length: 65_536 }, (_, i) => ({ name: `${i}`, data: new Uint8Array(i % 3) }));
		const z = writeZip(input);
		const end = z.byteLength - 22;
		const dv = new DataView(z.buffer, z.byteOffset, z.byteLength);
		expect(dv.getUint16(end + 10, true)).toBe(0xffff);
		expect(dv.getUint32(end - 20, true)).toBe(0x07064b50);
		const back = readZip(z);
		expect(back.length).toBe(65_536);
		expect(back[65_535].name).toBe('65535');
		expect(back.every((e) => !e.zip64)).toBe(true); // sizes and offsets fit: no per-entry extra
		// 65535 entries is one too many for the classic record as well (0xFFFF means "see ZIP64")
		const edge = writeZip(input.slice(0, 65_535));
		expect(new DataView(edge.buffer).getUint32(edge.byteLength - 42, true)).toBe(0x07064b50);
		const fits = writeZip(input.slice(0, 65_534));
		expect(new DataView(fits.buffer).getUint16(fits.byteLength - 12, true)).toBe(65_534);
		expect(new DataView(fits.buffer).getUint32(fits.byteLength - 42, true)).not.toBe(0x07064b50);
	});

	it('refuses unsafe or duplicate names with a message', () => {
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
		expect(() => writeZip([{ name: 'x', data: new Uint8Array(0) }, { name: 'x', data: new Uint8Array(0) }])).toThrow(/twice/);
		expect(unsafeZipName('a..b/c.npy')).toBeNull(); // '..' inside a name is not a segment
		expect(unsafeZipName('blocks.0.attn.hook_pattern.npy')).toBeNull();
	});
});

describe('readZip', () => {
	it('refuses damaged archives with a message', () => {
		expect(() => readZip(new TextEncoder().encode('not a zip at all, not even close'))).toThrow(/Not a ZIP/);
		const z = writeZip([{ name: 'a', data: bytes(64) }]);
		const bad = z.slice();
		bad[30 + 1 + 10] ^= 1; // one data bit
		expect(() => readZip(bad)).toThrow(/CRC-32 mismatch in "a"/);
		expect(() => readZip(z.subarray(0, z.byteLength - 1))).toThrow(ZipError);
		// a view into a larger buffer reads the same
		const padded = new Uint8Array(z.byteLength + 7);
		padded.set(z, 3);
		expect(sha(readZip(padded.subarray(3, 3 + z.byteLength))[0].data)).toBe(sha(bytes(64)));
	});
});

describe.skipIf(!hasPython)('Python zipfile reads what writeZip writes', () => {
	it.each(['auto', 'always'] as const)('zip64 %s: names, UTF-8 flag, stored, CRCs (testzip), bytes', (zip64) => {
		const dir = mkdtempSync(join(tmpdir(), 'bs-zip-'));
		try {
			const input = sample();
			writeFileSync(join(dir, 'a.zip'), writeZip(input, { zip64 }));
			const script = `
import zipfile, hashlib, json, sys
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
print(json.dumps([{"name": i.filename, "flag": i.flag_bits, "method": i.compress_type, "sha": hashlib.sha256(z.read(i)).hexdigest()} for i in z.infolist()]))`;
			const got = JSON.parse(execFileSync('python3', ['-c', script, join(dir, 'a.zip')]).toString());
			expect(got.map((g: { name: string }) => g.name)).toEqual(input.map((e) => e.name));
			got.forEach((g: { flag: number; method: number; sha: string }, i: number) => {
				expect(g.flag & 0x800).toBe(0x800);
				expect(g.method).toBe(0);
				expect(g.sha).toBe(sha(joined(input[i].data)));
			});
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('65536 entries (ZIP64 end records) open in Python; a deflated archive is refused here with a message', () => {
		const dir = mkdtempSync(join(tmpdir(), 'bs-zip-'));
		try {
			const input: ZipInput[] = Array.from({ length: 65_536 }, (_, i) => ({ name: `${i}`, data: new Uint8Array([i & 0xff]) }));
			writeFileSync(join(dir, 'many.zip'), writeZip(input));
			const script = `
import zipfile, sys
z = zipfile.ZipFile(sys.argv[1] + "/many.zip")
n = z.namelist()
assert len(n) == 65536 and n[-1] == "65535" and z.read("300") == bytes([300 & 255]), n[-3:]
with zipfile.ZipFile(sys.argv[1] + "/deflated.zip", "w", zipfile.ZIP_DEFLATED) as d:
    d.writestr("x.npy", b"x" * 1000)
print("ok")`;
			expect(execFileSync('python3', ['-c', script, dir]).toString().trim()).toBe('ok');
			expect(() => readZip(new Uint8Array(readFileSync(join(dir, 'deflated.zip'))))).toThrow(/compressed \(method 8\)/);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
