// The ZIP reader: stored entries only (what `writeZip` and `numpy.savez` write; not
// `savez_compressed`), ZIP64 included, every CRC checked; entries are views into the archive.
import { crc32, FLAG_UTF8, MAX16, MAX32, SIG_CENTRAL, SIG_END, SIG_END64, SIG_LOCAL, SIG_LOCATOR64, ZipError, type ZipEntry } from './format.js';

/** Every entry of a stored (uncompressed) ZIP archive, in central-directory order, CRCs checked. */
export function readZip(bytes: Uint8Array): ZipEntry[] {
	const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const n = bytes.byteLength;
	const u16 = (o: number) => dv.getUint16(o, true);
	const u32 = (o: number) => dv.getUint32(o, true);
	const u64 = (o: number) => {
		const v = dv.getUint32(o, true) + dv.getUint32(o + 4, true) * 0x100000000;
		if (!Number.isSafeInteger(v)) throw new ZipError('The ZIP archive has a 64-bit field beyond 2^53.');
		return v;
	};

	// The end record: 22 bytes plus a comment of at most 65535 bytes, at the very end.
	let end = -1;
	for (let o = n - 22; o >= 0 && o >= n - 22 - MAX16; o--)
		if (u32(o) === SIG_END && o + 22 + u16(o + 20) === n) {
			end = o;
			break;
		}
	if (end < 0) throw new ZipError('Not a ZIP archive (no end of central directory record).');
	let count = u16(end + 10);
	let cdSize = u32(end + 12);
	let cdOffset = u32(end + 16);
	if (end >= 20 && u32(end - 20) === SIG_LOCATOR64) {
		const at = u64(end - 12);
		if (at + 56 > n || u32(at) !== SIG_END64) throw new ZipError('The ZIP64 end of central directory record is missing.');
		count = u64(at + 32);
		cdSize = u64(at + 40);
		cdOffset = u64(at + 48);
	} else if (u16(end + 4) !== 0 || u16(end + 6) !== 0) throw new ZipError('Multi-part ZIP archives are not supported.');
	if (cdOffset + cdSize > n) throw new ZipError('The ZIP archive is truncated (central directory).');

	const entries: ZipEntry[] = [];
	let o = cdOffset;
	for (let i = 0; i < count; i++) {
		if (o + 46 > n || u32(o) !== SIG_CENTRAL) throw new ZipError(`The ZIP central directory is damaged at entry ${i + 1}.`);
		const flags = u16(o + 8);
		const method = u16(o + 10);
		const crc = u32(o + 16);
		let csize = u32(o + 20);
		let usize = u32(o + 24);
		const nameLen = u16(o + 28);
		const extraLen = u16(o + 30);
		const commentLen = u16(o + 32);
		let local = u32(o + 42);
		const rawName = bytes.subarray(o + 46, o + 46 + nameLen);
		const name = new TextDecoder(flags & FLAG_UTF8 ? 'utf-8' : 'latin1').decode(rawName);
		let zip64 = false;
		for (let x = o + 46 + nameLen; x + 4 <= o + 46 + nameLen + extraLen; ) {
			const id = u16(x);
			const len = u16(x + 2);
			if (id === 0x0001) {
				zip64 = true;
				let f = x + 4;
				const next = () => {
					if (f + 8 > x + 4 + len) throw new ZipError(`The ZIP64 extra field of "${name}" is too short.`);
					f += 8;
					return u64(f - 8);
				};
				if (usize === MAX32) usize = next();
				if (csize === MAX32) csize = next();
				if (local === MAX32) local = next();
			}
			x += 4 + len;
		}
		if (flags & 1) throw new ZipError(`"${name}" is encrypted.`);
		if (method !== 0)
			throw new ZipError(`"${name}" is compressed (method ${method}); this reader handles stored entries only (numpy.savez, not savez_compressed).`);
		if (csize !== usize) throw new ZipError(`"${name}" is stored with different compressed and uncompressed sizes.`);
		if (local + 30 > n || u32(local) !== SIG_LOCAL) throw new ZipError(`The local header of "${name}" is missing.`);
		const localName = bytes.subarray(local + 30, local + 30 + u16(local + 26));
		if (!sameBytes(localName, rawName)) throw new ZipError(`The local header of "${name}" names another file.`);
		const start = local + 30 + u16(local + 26) + u16(local + 28);
		if (start + usize > n) throw new ZipError(`The ZIP archive is truncated ("${name}").`);
		const data = bytes.subarray(start, start + usize);
		const got = crc32(data);
		if (got !== crc) throw new ZipError(`CRC-32 mismatch in "${name}" (stored ${hex(crc)}, computed ${hex(got)}).`);
		entries.push({ name, data, crc32: crc, zip64 });
		o += 46 + nameLen + extraLen + commentLen;
	}
	return entries;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
	if (a.byteLength !== b.byteLength) return false;
	for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
	return true;
}

function hex(v: number): string {
	return v.toString(16).padStart(8, '0');
}
