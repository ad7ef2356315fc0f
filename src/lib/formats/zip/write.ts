// The ZIP writer: stored entries (no compression), names as UTF-8 with general-purpose bit 11 set,
// ZIP64 records only where a size, an offset or the entry count does not fit the classic fields
// (or when asked). Enough for `.npz` (`numpy.load` reads a zip of `.npy` files).
import { crc32, EXTERNAL_FILE, FLAG_UTF8, MADE_BY_UNIX, MAX16, MAX32, SIG_CENTRAL, SIG_END, SIG_END64, SIG_LOCAL, SIG_LOCATOR64, V20, V45, ZipError, type ZipInput, type ZipOptions } from './format.js';

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
