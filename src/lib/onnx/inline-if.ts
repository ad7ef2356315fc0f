// onnxruntime cannot expose a tensor computed inside an If branch as a graph output, so a merged
// decoder (Optimum: one If on use_cache_branch) shows nothing inside. When the inputs decide the
// condition, the selected branch is inlined into the main graph: its nodes replace the If, its
// initializers join the main graph's, and it keeps reading the outer-scope names it used.
//
// Appending to the file (as rewrite.ts does for outputs) cannot remove the If, and the branch's
// outputs carry the If's own output names, so the graph is re-encoded instead: node lists and
// small tensors only. Large initializers become external-data references into the bytes already
// read (encodeWithWeightsIn), so the weights are neither copied nor re-encoded and the user's file
// is never written.
import { create, toBinary } from '@bufbuild/protobuf';
import {
	AttributeProto_AttributeType as AT,
	GraphProtoSchema,
	ModelProtoSchema,
	NodeProtoSchema,
	StringStringEntryProtoSchema,
	TensorProtoSchema,
	TensorProto_DataLocation,
	type GraphProto,
	type ModelProto,
	type NodeProto,
	type TensorProto
} from './gen/onnx_pb.js';
import { ModelError, displayName } from './errors.js';

export interface Inlined {
	model: ModelProto;
	/** The If node's name and which branch replaced it. */
	node: string;
	branch: 'then_branch' | 'else_branch';
	cond: string;
	nodes: number;
}

/** Top-level Loop / Scan (and If left in place): their bodies cannot be captured. */
export function subgraphOps(model: ModelProto): { op: string; name: string }[] {
	return (model.graph?.node ?? [])
		.filter((n) => n.attribute.some((a) => a.type === AT.GRAPH || a.type === AT.GRAPHS))
		.map((n) => ({ op: n.opType, name: n.name || n.output[0] || '' }));
}

/**
 * The model with every top-level If whose condition is a graph input of known value replaced by the
 * branch it selects; null when there is no such If. `values`: input name -> its boolean value.
 */
export function inlineIfs(model: ModelProto, values: ReadonlyMap<string, boolean>): Inlined | null {
	const g = model.graph;
	if (!g) return null;
	const i = g.node.findIndex((n) => n.opType === 'If' && (n.domain === '' || n.domain === 'ai.onnx') && values.has(n.input[0]));
	if (i < 0) return null;
	const ifNode = g.node[i];
	const which = values.get(ifNode.input[0]) ? 'then_branch' : 'else_branch';
	const body = ifNode.attribute.find((a) => a.name === which)?.g;
	if (!body) throw new ModelError(`The If node "${displayName(ifNode.name)}" has no ${which}.`);
	checkNames(g, body, ifNode);
	const renamed = outputLinks(body, ifNode);
	const graph = create(GraphProtoSchema, {
		...g,
		node: [...g.node.slice(0, i), ...body.node, ...renamed, ...g.node.slice(i + 1)],
		initializer: [...g.initializer, ...body.initializer],
		valueInfo: [...g.valueInfo, ...body.valueInfo]
	});
	return {
		model: create(ModelProtoSchema, { ...model, graph }),
		node: ifNode.name,
		branch: which,
		cond: ifNode.input[0],
		nodes: body.node.length
	};
}

/** Branch outputs named differently from the If's outputs are linked by an Identity. */
function outputLinks(body: GraphProto, ifNode: NodeProto): NodeProto[] {
	if (body.output.length !== ifNode.output.length)
		throw new ModelError(
			`The If node "${displayName(ifNode.name)}" has ${ifNode.output.length} outputs but its branch has ${body.output.length}.`
		);
	const links: NodeProto[] = [];
	body.output.forEach((o, k) => {
		const to = ifNode.output[k];
		if (to && o.name !== to)
			links.push(create(NodeProtoSchema, { name: `${ifNode.name}/inline/${k}`, opType: 'Identity', input: [o.name], output: [to] }));
	});
	return links;
}

/** A branch may not redefine a main-graph name (ONNX forbids it; inlining would make it a clash). */
function checkNames(g: GraphProto, body: GraphProto, ifNode: NodeProto): void {
	const outer = new Set<string>([...g.input.map((v) => v.name), ...g.initializer.map((t) => t.name)]);
	for (const n of g.node) if (n !== ifNode) for (const o of n.output) outer.add(o);
	const clash = [...body.initializer.map((t) => t.name), ...body.node.flatMap((n) => n.output)].find((x) => x && outer.has(x));
	if (clash)
		throw new ModelError(
			`The If branch redefines "${displayName(clash)}", a name of the main graph, so it cannot be inlined for capture.`,
			'Capture the graph as it is (its If branch stays opaque).'
		);
}

/** Initializers below this size stay inline (not worth a reference). */
const MIN_REF_BYTES = 1024;

/**
 * Serialize `model` with every large initializer whose raw_data is a view into `source` written as
 * an external-data reference to `location` (offset into `source`); mount `source` under that name.
 */
export function encodeWithWeightsIn(model: ModelProto, source: Uint8Array, location: string): Uint8Array {
	const ref = (t: TensorProto): TensorProto => {
		const raw = t.rawData;
		if (!raw || raw.byteLength < MIN_REF_BYTES || raw.buffer !== source.buffer) return t;
		const offset = raw.byteOffset - source.byteOffset;
		if (offset < 0 || offset + raw.byteLength > source.byteLength) return t;
		const entry = (key: string, value: string) => create(StringStringEntryProtoSchema, { key, value });
		const { rawData: _, ...rest } = t;
		const moved = {
			...rest,
			dataLocation: TensorProto_DataLocation.EXTERNAL,
			externalData: [entry('location', location), entry('offset', String(offset)), entry('length', String(raw.byteLength))]
		} as TensorProto;
		return create(TensorProtoSchema, moved);
	};
	const g = model.graph!;
	return toBinary(
		ModelProtoSchema,
		create(ModelProtoSchema, { ...model, graph: create(GraphProtoSchema, { ...g, initializer: g.initializer.map(ref) }) })
	);
}
