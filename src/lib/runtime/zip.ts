// A minimal ZIP writer (stored entries, no compression) and a matching reader, enough for `.npz`
// archives (`numpy.load` reads a zip of `.npy` files). Pure: no Node or browser APIs, bytes in and
// bytes out. Names are written as UTF-8 with general-purpose bit 11 set. ZIP64 records are written
// only where a size, an offset or the entry count does not fit the classic fields (or when asked).
// Format: PKWARE APPNOTE.TXT 6.3 (sections 4.3 and 4.5.3).

export class ZipError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ZipError';
	}
}

export interface ZipInput {
	/** Path inside the archive: '/'-separated, relative, no '..' segments, no control characters. */
	name: string;
	/** The file's bytes, whole or in chunks (chunks are written one after another, never joined first). */
	data: Uint8Array | readonly Uint8Array[];
}

export interface ZipOptions {
	/** 'auto' (default): ZIP64 records only where needed; 'always': for every entry (tests, tools). */
	zip64?: 'auto' | 'always';
	/** Modification time of every entry (local time, as ZIP stores it); default 1980-01-01 00:00 so equal inputs give equal bytes. */
	date?: Date;
}

export interface ZipEntry {
	name: string;
	/** A view into the archive's bytes. */
	data: Uint8Array;
	crc32: number;
	/** Whether the entry carried a ZIP64 extra field. */
	zip64: boolean;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_END64 = 0x06064b50;
const SIG_LOCATOR64 = 0x07064b50;
const FLAG_UTF8 = 0x0800;
const MADE_BY_UNIX = 3 << 8;
const V20 = 20; // version needed: 2.0 (stored files, folders)
const V45 = 45; // version needed: 4.5 (ZIP64)
const MAX16 = 0xffff;
const MAX32 = 0xffffffff;
const EXTERNAL_FILE = 0o100644 * 0x10000; // a regular file, rw-r--r-- (upper 16 bits, Unix "made by")

// ---------------------------------------------------------------------------------------------
// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), eight bytes per step ("slicing by 8").

let TABLE: Uint32Array | null = null;

function crcTable(): Uint32Array {
	if (TABLE) return TABLE;
	const t = new Uint32Array(8 * 256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		t[n] = c >>> 0;
	}
	for (let n = 0; n < 256; n++) {
		let c = t[n];
		for (let k = 1; k < 8; k++) {
			c = t[c & 0xff] ^ (c >>> 8);
			t[k * 256 + n] = c >>> 0;
		}
	}
	return (TABLE = t);
}

/** CRC-32 of `data`; pass the previous result as `crc` to continue over several chunks. */
export function crc32(data: Uint8Array, crc = 0): number {
	const t = crcTable();
	let c = (crc ^ MAX32) >>> 0;
	const n = data.length;
	let i = 0;
	for (; i + 8 <= n; i += 8) {
		const a = (c ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24))) >>> 0;
		c =
			t[1792 + (a & 0xff)] ^
			t[1536 + ((a >>> 8) & 0xff)] ^
			t[1280 + ((a >>> 16) & 0xff)] ^
			t[1024 + (a >>> 24)] ^
			t[768 + data[i + 4]] ^
			t[512 + data[i + 5]] ^
			t[256 + data[i + 6]] ^
			t[data[i + 7]];
	}
	for (; i < n; i++) c = t[(c ^ data[i]) & 0xff] ^ (c >>> 8);
	return (c ^ MAX32) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Writer

/** Why a name cannot go into an archive as is, or null when it can. */
export function unsafeZipName(name: string): string | null {
	if (name === '') return 'it is empty';
	if (/[\u0000-\u001f\u007f]/.test(name)) return 'it contains a control character';
	if (name.includes('\\')) return "it contains '\\' (ZIP paths use '/')";
	if (name.startsWith('/')) return "it starts with '/'";
	if (/^[A-Za-z]:/.test(name)) return 'it starts with a drive letter';
	if (name.split('/').some((s) => s === '..' || s === '.')) return "it has a '.' or '..' segment";
	if (name.endsWith('/')) return "it ends with '/' (a folder)";
	return null;
}

interface Planned {
	name: Uint8Array;
	chunks: readonly Uint8Array[];
	size: number;
	crc: number;
	offset: number;
	local64: boolean; // sizes in a ZIP64 extra of the local header
	sizes64: boolean; // sizes in the central ZIP64 extra
	offset64: boolean; // local header offset in the central ZIP64 extra
}

/** The archive as one buffer: local headers and data, central directory, (ZIP64 end records,) end record. */
export function writeZip(entries: readonly ZipInput[], opts: ZipOptions = {}): Uint8Array {
	const always = opts.zip64 === 'always';
	const { time, date } = dosDateTime(opts.date);
	const utf8 = new TextEncoder();
	const seen = new Set<string>();
	const planned: Planned[] = [];
	let offset = 0;
	for (const e of entries) {
		const why = unsafeZipName(e.name);
		if (why) throw new ZipError(`Cannot add "${printable(e.name)}" to a ZIP archive: ${why}.`);
		if (seen.has(e.name)) throw new ZipError(`Cannot add "${e.name}" to a ZIP archive twice.`);
		seen.add(e.name);
		const name = utf8.encode(e.name);
		if (name.byteLength > MAX16) throw new ZipError(`A ZIP entry name is limited to 65535 bytes ("${e.name.slice(0, 40)}..." has ${name.byteLength}).`);
		const chunks = e.data instanceof Uint8Array ? [e.data] : e.data;
		let size = 0;
		let crc = 0;
		for (const c of chunks) {
			size += c.byteLength;
			crc = crc32(c, crc);
		}
		const sizes64 = always || size >= MAX32;
		const offset64 = always || offset >= MAX32;
		planned.push({ name, chunks, size, crc, offset, local64: sizes64, sizes64, offset64 });
		offset += 30 + name.byteLength + (sizes64 ? 20 : 0) + size;
	}
	const cdOffset = offset;
	let cdSize = 0;
	for (const p of planned) cdSize += 46 + p.name.byteLength + centralExtraLength(p);
	const end64 = always || planned.length >= MAX16 || cdOffset >= MAX32 || cdSize >= MAX32;
	const total = cdOffset + cdSize + (end64 ? 56 + 20 : 0) + 22;
	if (!Number.isSafeInteger(total)) throw new ZipError('The archive would be too large to address.');

	let out: Uint8Array;
	try {
		out = new Uint8Array(total);
	} catch (e) {
		if (e instanceof RangeError)
			throw new ZipError(`The archive would be ${(total / 2 ** 30).toFixed(2)} GiB, more than this JavaScript engine can hold in one buffer.`);
		throw e;
	}
	const w = new Writer(out);

	for (const p of planned) {
		w.u32(SIG_LOCAL);
		w.u16(p.local64 ? V45 : V20);
		w.u16(FLAG_UTF8);
		w.u16(0); // method: stored
		w.u16(time);
		w.u16(date);
		w.u32(p.crc);
		w.u32(p.local64 ? MAX32 : p.size); // compressed size
		w.u32(p.local64 ? MAX32 : p.size); // uncompressed size
		w.u16(p.name.byteLength);
		w.u16(p.local64 ? 20 : 0);
		w.bytes(p.name);
		if (p.local64) {
			w.u16(0x0001);
			w.u16(16);
			w.u64(p.size); // uncompressed
			w.u64(p.size); // compressed
		}
		for (const c of p.chunks) w.bytes(c);
	}
	if (w.pos !== cdOffset) throw new Error(`zip: local section is ${w.pos} bytes, planned ${cdOffset}`);

	for (const p of planned) {
		const extra = centralExtraLength(p);
		const v = p.sizes64 || p.offset64 ? V45 : V20;
		w.u32(SIG_CENTRAL);
		w.u16(MADE_BY_UNIX | v);
		w.u16(v);
		w.u16(FLAG_UTF8);
		w.u16(0);
		w.u16(time);
		w.u16(date);
		w.u32(p.crc);
		w.u32(p.sizes64 ? MAX32 : p.size);
		w.u32(p.sizes64 ? MAX32 : p.size);
		w.u16(p.name.byteLength);
		w.u16(extra);
		w.u16(0); // comment length
		w.u16(0); // disk number start
		w.u16(0); // internal attributes
		w.u32(EXTERNAL_FILE);
		w.u32(p.offset64 ? MAX32 : p.offset);
		w.bytes(p.name);
		if (extra) {
			// Only the fields set to 0xFFFFFFFF above, in this order.
			w.u16(0x0001);
			w.u16(extra - 4);
			if (p.sizes64) {
				w.u64(p.size);
				w.u64(p.size);
			}
			if (p.offset64) w.u64(p.offset);
		}
	}
	if (w.pos !== cdOffset + cdSize) throw new Error(`zip: central directory is ${w.pos - cdOffset} bytes, planned ${cdSize}`);

	if (end64) {
		const at = w.pos;
		w.u32(SIG_END64);
		w.u64(44); // size of the rest of this record
		w.u16(MADE_BY_UNIX | V45);
		w.u16(V45);
		w.u32(0); // this disk
		w.u32(0); // disk with the central directory
		w.u64(planned.length);
		w.u64(planned.length);
		w.u64(cdSize);
		w.u64(cdOffset);
		w.u32(SIG_LOCATOR64);
		w.u32(0); // disk with the ZIP64 end record
		w.u64(at);
		w.u32(1); // total disks
	}
	w.u32(SIG_END);
	w.u16(0);
	w.u16(0);
	w.u16(end64 ? MAX16 : planned.length);
	w.u16(end64 ? MAX16 : planned.length);
	w.u32(end64 ? MAX32 : cdSize);
	w.u32(end64 ? MAX32 : cdOffset);
	w.u16(0); // comment length
	if (w.pos !== total) throw new Error(`zip: wrote ${w.pos} bytes, planned ${total}`);
	return out;
}

function centralExtraLength(p: Planned): number {
	const n = (p.sizes64 ? 16 : 0) + (p.offset64 ? 8 : 0);
	return n ? 4 + n : 0;
}

function dosDateTime(d: Date | undefined): { time: number; date: number } {
	if (!d || d.getFullYear() < 1980) return { time: 0, date: (1 << 5) | 1 };
	if (d.getFullYear() > 2107) return { time: (23 << 11) | (59 << 5) | 29, date: (127 << 9) | (12 << 5) | 31 };
	return {
		time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
		date: ((d.getFullYear() - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate()
	};
}

function printable(s: string): string {
	return s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

class Writer {
	pos = 0;
	private readonly dv: DataView;
	constructor(private readonly out: Uint8Array) {
		this.dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
	}
	u16(v: number): void {
		this.dv.setUint16(this.pos, v, true);
		this.pos += 2;
	}
	u32(v: number): void {
		this.dv.setUint32(this.pos, v >>> 0, true);
		this.pos += 4;
	}
	u64(v: number): void {
		this.dv.setUint32(this.pos, v % 0x100000000, true);
		this.dv.setUint32(this.pos + 4, Math.floor(v / 0x100000000), true);
		this.pos += 8;
	}
	bytes(b: Uint8Array): void {
		this.out.set(b, this.pos);
		this.pos += b.byteLength;
	}
}

// ---------------------------------------------------------------------------------------------
// Reader (stored entries only: what `writeZip` and `numpy.savez` write; not `savez_compressed`)

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
