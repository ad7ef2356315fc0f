// Apply a graph edit to model bytes on the wire, the way rewrite.ts and externalize.ts work:
// every byte outside the few renamed node fields is copied as it is (unknown fields, weights,
// metadata), and the new nodes/initializers arrive as one more ModelProto.graph field, which
// protobuf merges into the first (repeated fields concatenate).
//
// Renaming is what makes an inserted op take effect without re-encoding the graph: the producer
// of tensor T gets output `T::clean`, and the appended op reads that and writes T, so every
// consumer of T (and a graph output or capture of T) sees the intervened value unchanged.
import { create, toBinary } from '@bufbuild/protobuf';
import { GraphProtoSchema, type NodeProto, type TensorProto } from '../onnx/gen/onnx_pb.js';

/** One string of a node's `input` (field 1) or `output` (field 2), by node order in the file. */
export interface Rename {
	node: number; // index into ModelProto.graph.node (file order, not topological)
	field: 'input' | 'output';
	slot: number;
	to: string;
}

export interface WireEdit {
	renames: Rename[];
	nodes: NodeProto[];
	initializers: TensorProto[];
}

export class WireError extends Error {}

interface Field {
	no: number;
	start: number;
	end: number;
	body: [number, number] | null; // length-delimited payload
}

function varint(b: Uint8Array, pos: number, end: number): [number, number] {
	let v = 0;
	let mul = 1;
	for (let i = 0; i < 10 && pos < end; i++) {
		const x = b[pos++];
		v += (x & 0x7f) * mul;
		if (x < 0x80) return [v, pos];
		mul *= 128;
	}
	throw new WireError('malformed varint');
}

function fields(b: Uint8Array, start: number, end: number): Field[] {
	const out: Field[] = [];
	let pos = start;
	while (pos < end) {
		const s = pos;
		let tag: number;
		[tag, pos] = varint(b, pos, end);
		const wire = tag & 7;
		let body: [number, number] | null = null;
		if (wire === 0) pos = varint(b, pos, end)[1];
		else if (wire === 1) pos += 8;
		else if (wire === 5) pos += 4;
		else if (wire === 2) {
			let n: number;
			[n, pos] = varint(b, pos, end);
			body = [pos, pos + n];
			pos += n;
		} else throw new WireError(`wire type ${wire}`);
		if (pos > end) throw new WireError('field runs past its message');
		out.push({ no: Math.floor(tag / 8), start: s, end: pos, body });
	}
	return out;
}

function encVarint(n: number): number[] {
	const out: number[] = [];
	do {
		const low = n % 128;
		n = Math.floor(n / 128);
		out.push(n > 0 ? low | 0x80 : low);
	} while (n > 0);
	return out;
}

function lenField(no: number, body: Uint8Array): Uint8Array {
	const head = encVarint(no * 8 + 2).concat(encVarint(body.byteLength));
	const out = new Uint8Array(head.length + body.byteLength);
	out.set(head, 0);
	out.set(body, head.length);
	return out;
}

function join(parts: Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.byteLength;
	}
	return out;
}

const utf8 = new TextEncoder();

/** The NodeProto in b[s, e) with some input/output strings replaced; everything else verbatim. */
function renamedNode(b: Uint8Array, s: number, e: number, renames: Rename[]): Uint8Array {
	const seen = { 1: 0, 2: 0 } as Record<number, number>;
	const parts: Uint8Array[] = [];
	for (const f of fields(b, s, e)) {
		if ((f.no === 1 || f.no === 2) && f.body) {
			const slot = seen[f.no]++;
			const r = renames.find((x) => (x.field === 'input' ? 1 : 2) === f.no && x.slot === slot);
			if (r) {
				parts.push(lenField(f.no, utf8.encode(r.to)));
				continue;
			}
		}
		parts.push(b.subarray(f.start, f.end));
	}
	return join(parts);
}

/**
 * `bytes` with the renames applied and the edit's nodes and initializers appended. Meant for the
 * small model externalize.ts hands ORT (the weights are external there, so this copies no
 * weights); on a plain model it copies the bytes once. Throws WireError on bytes that are not
 * plain protobuf.
 */
export function applyWireEdit(bytes: Uint8Array, edit: WireEdit): Uint8Array {
	const byNode = new Map<number, Rename[]>();
	for (const r of edit.renames) byNode.set(r.node, [...(byNode.get(r.node) ?? []), r]);
	const parts: Uint8Array[] = [];
	let k = 0; // node index across every graph field, in file order (protobuf concatenates them)
	for (const mf of fields(bytes, 0, bytes.byteLength)) {
		if (mf.no !== 7 || !mf.body || byNode.size === 0) {
			parts.push(bytes.subarray(mf.start, mf.end));
			continue;
		}
		const graph: Uint8Array[] = [];
		for (const gf of fields(bytes, mf.body[0], mf.body[1])) {
			const rs = gf.no === 1 && gf.body ? byNode.get(k++) : undefined;
			graph.push(rs ? lenField(1, renamedNode(bytes, gf.body![0], gf.body![1], rs)) : bytes.subarray(gf.start, gf.end));
		}
		parts.push(lenField(7, join(graph)));
	}
	const done = new Set(edit.renames.map((r) => r.node));
	if ([...done].some((n) => n >= k)) throw new WireError(`a renamed node is not in the model (it has ${k} nodes)`);
	if (edit.nodes.length || edit.initializers.length) {
		const g = create(GraphProtoSchema, { node: edit.nodes, initializer: edit.initializers });
		parts.push(lenField(7, toBinary(GraphProtoSchema, g)));
	}
	return join(parts);
}
