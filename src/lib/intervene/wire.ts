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
import { joinBytes as join, lenField, wireFields, WireFormatError, type WireField } from '../onnx/index.js';

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

/** Model bytes that are not plain protobuf, or an edit that names a node the model lacks. */
export class WireError extends Error {}

function fields(b: Uint8Array, start: number, end: number): WireField[] {
	try {
		return wireFields(b, start, end);
	} catch (e) {
		if (e instanceof WireFormatError) throw new WireError(e.message);
		throw e;
	}
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
