// Protobuf on the wire, just enough to copy a model's bytes and change a few fields: walk a
// message's fields as byte ranges and encode small new ones. Used where re-encoding the whole
// model would copy its weights (externalize.ts, intervene/ edits).

/** Wire types (protobuf encoding). */
export const Wire = { Varint: 0, I64: 1, Len: 2, I32: 5 } as const;

export interface WireField {
	no: number;
	wire: number;
	start: number; // first byte of the tag
	end: number; // one past the field
	/** Payload of a length-delimited field. */
	body?: [number, number];
	/** Value of a varint field (numbers past 2^53 lose precision; only small ones are read). */
	value?: number;
}

/** Bytes that are not plain protobuf (truncated, groups, a field past its message). */
export class WireFormatError extends Error {}

function varint(b: Uint8Array, pos: number, end: number): [number, number] {
	let v = 0;
	let mul = 1;
	for (let i = 0; i < 10; i++) {
		if (pos >= end) throw new WireFormatError('truncated varint');
		const x = b[pos++];
		v += (x & 0x7f) * mul;
		if (x < 0x80) return [v, pos];
		mul *= 128;
	}
	throw new WireFormatError('varint too long');
}

/** The fields of the message in b[start, end), in order. */
export function wireFields(b: Uint8Array, start: number, end: number): WireField[] {
	const out: WireField[] = [];
	let pos = start;
	while (pos < end) {
		const s = pos;
		let tag: number;
		[tag, pos] = varint(b, pos, end);
		const no = Math.floor(tag / 8);
		const wire = tag & 7;
		if (wire === Wire.Varint) {
			let value: number;
			[value, pos] = varint(b, pos, end);
			out.push({ no, wire, start: s, end: pos, value });
		} else if (wire === Wire.I64 || wire === Wire.I32) {
			pos += wire === Wire.I64 ? 8 : 4;
			out.push({ no, wire, start: s, end: pos });
		} else if (wire === Wire.Len) {
			let n: number;
			[n, pos] = varint(b, pos, end);
			const body: [number, number] = [pos, pos + n];
			pos += n;
			out.push({ no, wire, start: s, end: pos, body });
		} else throw new WireFormatError(`wire type ${wire}`); // groups: not in ONNX files
		if (pos > end) throw new WireFormatError('field runs past its message');
	}
	return out;
}

export function encodeVarint(n: number): number[] {
	const out: number[] = [];
	do {
		const low = n % 128;
		n = Math.floor(n / 128);
		out.push(n > 0 ? low | 0x80 : low);
	} while (n > 0);
	return out;
}

/** The tag and length of a length-delimited field whose body is `length` bytes. */
export function lenHeader(no: number, length: number): Uint8Array {
	return Uint8Array.from([...encodeVarint(no * 8 + Wire.Len), ...encodeVarint(length)]);
}

/** A whole length-delimited field (one copy of the body: for small bodies and single joins). */
export function lenField(no: number, body: Uint8Array | number[]): Uint8Array {
	const b = body instanceof Uint8Array ? body : Uint8Array.from(body);
	const head = lenHeader(no, b.byteLength);
	const out = new Uint8Array(head.byteLength + b.byteLength);
	out.set(head, 0);
	out.set(b, head.byteLength);
	return out;
}

/** One buffer from pieces (ranges of the original and small encoded parts). */
export function joinBytes(parts: readonly Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.byteLength;
	}
	return out;
}

/**
 * Model bytes with some of the graph's nodes left out (`drop`: indices in file order, counted
 * across every graph field as protobuf concatenates them). Every other byte is copied as it is:
 * nothing is re-encoded (call it on the small externalized model: it copies the bytes once).
 */
export function withoutNodes(bytes: Uint8Array, drop: readonly number[]): Uint8Array {
	const gone = new Set(drop);
	const parts: Uint8Array[] = [];
	let k = 0;
	for (const mf of wireFields(bytes, 0, bytes.byteLength)) {
		if (mf.no !== 7 || !mf.body) {
			parts.push(bytes.subarray(mf.start, mf.end));
			continue;
		}
		const graph: Uint8Array[] = [];
		for (const gf of wireFields(bytes, mf.body[0], mf.body[1])) {
			if (gf.no === 1 && gone.has(k++)) continue; // GraphProto.node
			graph.push(bytes.subarray(gf.start, gf.end));
		}
		parts.push(lenField(7, joinBytes(graph)));
	}
	if ([...gone].some((n) => n < 0 || n >= k)) throw new WireFormatError(`a node to leave out is not in the model (it has ${k} nodes)`);
	return joinBytes(parts);
}
