// ZIP archives for `.npz` (a zip of `.npy` files), on fflate: entries are stored by default (what
// `numpy.savez` writes) or deflated on request (`numpy.savez_compressed`); reading takes both.
// What fflate does not do is checked here: unsafe or repeated names, and the classic format's
// limits (fflate writes no ZIP64 records: at most 65534 entries and 4 GiB per archive).
import { Zip, ZipDeflate, ZipPassThrough, unzipSync, type ZipInputFile } from 'fflate';

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
	/** Deflate every entry (level 6, as zlib and numpy.savez_compressed); default: stored. */
	compress?: boolean;
	/** Modification time of every entry (local time); default 1980-01-01 00:00 so equal inputs give equal bytes. */
	date?: Date;
}

export interface ZipEntry {
	name: string;
	data: Uint8Array;
}

const MAX_ENTRIES = 0xfffe; // 0xFFFF in the end record means "see ZIP64"
const MAX_BYTES = 0xffffffff;
const UNIX = 3; // "made by" Unix, so unzip restores the mode below
const REGULAR_FILE = 0o100644 * 0x10000; // rw-r--r-- in the upper 16 bits

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

/** The archive as parts in file order (local headers, data, central directory): join them, or write them one by one. */
export function zipParts(entries: readonly ZipInput[], opts: ZipOptions = {}): Uint8Array[] {
	checkNames(entries);
	const parts: Uint8Array[] = [];
	let total = 0;
	let failed: Error | null = null;
	const zip = new Zip((err, chunk) => {
		if (err) failed ??= err;
		else {
			parts.push(chunk);
			total += chunk.byteLength;
		}
	});
	const mtime = opts.date && opts.date.getFullYear() >= 1980 ? opts.date : new Date(1980, 0, 1);
	for (const e of entries) {
		const file: ZipInputFile & { push(c: Uint8Array, final?: boolean): void } = opts.compress
			? new ZipDeflate(e.name, { level: 6 })
			: new ZipPassThrough(e.name);
		Object.assign(file, { mtime, os: UNIX, attrs: REGULAR_FILE });
		zip.add(file);
		const chunks = e.data instanceof Uint8Array ? [e.data] : e.data;
		chunks.forEach((c, i) => file.push(c, i === chunks.length - 1));
		if (!chunks.length) file.push(new Uint8Array(0), true);
	}
	zip.end();
	if (failed) throw new ZipError(`Could not write the ZIP archive: ${(failed as Error).message}.`);
	if (total > MAX_BYTES)
		throw new ZipError(`The archive would be ${(total / 2 ** 30).toFixed(2)} GiB; a ZIP without ZIP64 records holds at most 4 GiB.`);
	return parts;
}

/** The archive as one buffer. */
export function writeZip(entries: readonly ZipInput[], opts: ZipOptions = {}): Uint8Array {
	const parts = zipParts(entries, opts);
	const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.byteLength;
	}
	return out;
}

function checkNames(entries: readonly ZipInput[]): void {
	if (entries.length > MAX_ENTRIES)
		throw new ZipError(`${entries.length} files are more than one ZIP archive without ZIP64 records holds (${MAX_ENTRIES}).`);
	const seen = new Set<string>();
	for (const e of entries) {
		const why = unsafeZipName(e.name);
		if (why) throw new ZipError(`Cannot add "${printable(e.name)}" to a ZIP archive: ${why}.`);
		if (seen.has(e.name)) throw new ZipError(`Cannot add "${e.name}" to a ZIP archive twice.`);
		if (new TextEncoder().encode(e.name).byteLength > 0xffff)
			throw new ZipError(`A ZIP entry name is limited to 65535 bytes ("${e.name.slice(0, 40)}...").`);
		seen.add(e.name);
	}
}

/** Every entry (stored or deflated) in central-directory order. fflate does not check CRCs: sizes are checked here. */
export function readZip(bytes: Uint8Array): ZipEntry[] {
	const infos: { name: string; originalSize: number }[] = [];
	const seen = new Set<string>();
	let files: Record<string, Uint8Array>;
	try {
		files = unzipSync(bytes, {
			filter: (f) => {
				if (f.compression !== 0 && f.compression !== 8)
					throw new ZipError(`"${f.name}" is compressed with method ${f.compression}; only stored and deflated entries can be read.`);
				if (seen.has(f.name)) throw new ZipError(`The ZIP archive holds "${f.name}" twice.`);
				seen.add(f.name);
				infos.push({ name: f.name, originalSize: f.originalSize });
				return true;
			}
		});
	} catch (e) {
		if (e instanceof ZipError) throw e;
		throw new ZipError(`Not a readable ZIP archive (${(e as Error).message}).`);
	}
	return infos.map(({ name, originalSize }) => {
		const data = files[name];
		if (!data || data.byteLength !== originalSize) throw new ZipError(`The ZIP archive is truncated or damaged ("${name}").`);
		return { name, data };
	});
}

function printable(s: string): string {
	return s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
