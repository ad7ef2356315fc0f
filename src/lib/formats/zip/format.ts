// ZIP's shared parts: errors, entry types, record signatures and field limits, CRC-32.
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

export const SIG_LOCAL = 0x04034b50;
export const SIG_CENTRAL = 0x02014b50;
export const SIG_END = 0x06054b50;
export const SIG_END64 = 0x06064b50;
export const SIG_LOCATOR64 = 0x07064b50;
export const FLAG_UTF8 = 0x0800;
export const MADE_BY_UNIX = 3 << 8;
export const V20 = 20; // version needed: 2.0 (stored files, folders)
export const V45 = 45; // version needed: 4.5 (ZIP64)
export const MAX16 = 0xffff;
export const MAX32 = 0xffffffff;
export const EXTERNAL_FILE = 0o100644 * 0x10000; // a regular file, rw-r--r-- (upper 16 bits, Unix "made by")

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
