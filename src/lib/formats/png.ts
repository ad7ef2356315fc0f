// PNG bytes, pure: the size from the IHDR chunk, and text chunks (iTXt, UTF-8) added after it, so an
// exported figure carries its caption (model, layer, head, backend, input text) as metadata too.
// Format: https://www.w3.org/TR/png-3/ (chunks: length, type, data, CRC-32 of type and data).

export const PNG_SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let CRC_TABLE: Uint32Array | null = null;

/** CRC-32 (IEEE, reflected polynomial 0xEDB88320) of `data`; pass the previous result as `crc` to continue. */
export function crc32(data: Uint8Array, crc = 0): number {
	const t = (CRC_TABLE ??= Uint32Array.from({ length: 256 }, (_, n) => {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		return c >>> 0;
	}));
	let c = ~crc >>> 0;
	for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]) & 0xff] ^ (c >>> 8);
	return ~c >>> 0;
}

function isPng(b: Uint8Array): boolean {
	return b.length >= 33 && PNG_SIGNATURE.every((x, i) => b[i] === x) && String.fromCharCode(b[12], b[13], b[14], b[15]) === 'IHDR';
}

/** Width and height from the IHDR chunk; null when the bytes are not a PNG. */
export function pngSize(b: Uint8Array): { width: number; height: number } | null {
	if (!isPng(b)) return null;
	const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
	return { width: v.getUint32(16), height: v.getUint32(20) };
}

/** One iTXt chunk (uncompressed; keyword Latin-1, 1 to 79 characters; text UTF-8). */
export function itxtChunk(keyword: string, text: string): Uint8Array {
	const key = keyword.replace(/[^\x20-\x7e]/g, '').slice(0, 79) || 'Comment';
	const enc = new TextEncoder();
	// keyword \0, compression flag 0, method 0, language "" \0, translated keyword "" \0, text
	const body = new Uint8Array([...Array.from(key, (c) => c.charCodeAt(0)), 0, 0, 0, 0, 0, ...enc.encode(text)]);
	const out = new Uint8Array(12 + body.length);
	const v = new DataView(out.buffer);
	v.setUint32(0, body.length);
	out.set([0x69, 0x54, 0x58, 0x74], 4); // "iTXt"
	out.set(body, 8);
	v.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
	return out;
}

/** Text chunks inserted right after IHDR (the bytes are returned unchanged when they are not a PNG). */
export function withPngText(png: Uint8Array, text: Record<string, string>): Uint8Array {
	if (!isPng(png)) return png;
	const chunks = Object.entries(text).map(([k, t]) => itxtChunk(k, t));
	const at = 8 + 25; // signature + IHDR (length, type, 13 bytes, crc)
	const out = new Uint8Array(png.length + chunks.reduce((n, c) => n + c.length, 0));
	out.set(png.subarray(0, at), 0);
	let p = at;
	for (const c of chunks) {
		out.set(c, p);
		p += c.length;
	}
	out.set(png.subarray(at), p);
	return out;
}

/** The iTXt/tEXt chunks of a PNG as keyword -> text (for tests and tools). */
export function pngText(png: Uint8Array): Record<string, string> {
	const out: Record<string, string> = {};
	if (!isPng(png)) return out;
	const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
	const dec = new TextDecoder();
	for (let p = 8; p + 12 <= png.length;) {
		const len = v.getUint32(p);
		const type = String.fromCharCode(...png.subarray(p + 4, p + 8));
		const body = png.subarray(p + 8, p + 8 + len);
		const nul = body.indexOf(0);
		if (nul > 0 && type === 'tEXt') out[dec.decode(body.subarray(0, nul))] = String.fromCharCode(...body.subarray(nul + 1));
		if (nul > 0 && type === 'iTXt' && body[nul + 1] === 0) {
			let q = body.indexOf(0, nul + 3); // end of language tag
			q = body.indexOf(0, q + 1); // end of translated keyword
			out[dec.decode(body.subarray(0, nul))] = dec.decode(body.subarray(q + 1));
		}
		if (type === 'IEND') break;
		p += 12 + len;
	}
	return out;
}
