// ModelProto -> a graph the analysis can walk: nodes in topological order, who produces and
// who consumes each tensor, initializers and Constant values by name.
import {
	AttributeProto_AttributeType as AT,
	type AttributeProto,
	type ModelProto,
	type NodeProto,
	type TensorProto,
	type ValueInfoProto
} from './gen/onnx_pb.js';
import { dtypeName, type DType } from './dtype.js';
import { ModelError } from './errors.js';
import { tensorNumbers } from './tensor.js';
import { checkNoNul, checkUnique, quote, topoSort } from './topo.js';

export type Dim = number | string | null; // number: fixed; string: symbolic (dim_param); null: unknown

export interface ValueInfo {
	name: string;
	dtype: DType;
	dims: Dim[] | null; // null: rank unknown
}

export interface GraphNode {
	index: number; // position in topological order
	name: string;
	opType: string;
	domain: string;
	inputs: string[]; // '' marks an omitted optional input, as in ONNX
	outputs: string[];
	proto: NodeProto;
}

export class Graph {
	readonly nodes: GraphNode[];
	readonly inputs: ValueInfo[]; // real inputs (initializers excluded)
	readonly outputs: ValueInfo[];
	readonly valueInfo = new Map<string, ValueInfo>();
	readonly initializers = new Map<string, TensorProto>();
	readonly constants = new Map<string, TensorProto>(); // outputs of Constant nodes
	readonly producer = new Map<string, GraphNode>();
	readonly consumers = new Map<string, GraphNode[]>();
	readonly opsets = new Map<string, number>();
	readonly metadata = new Map<string, string>();

	constructor(readonly model: ModelProto) {
		const g = model.graph;
		if (!g) throw new ModelError('Not an ONNX model: the file has no graph.');
		for (const o of model.opsetImport) this.opsets.set(o.domain === 'ai.onnx' ? '' : o.domain, Number(o.version));
		for (const m of model.metadataProps) this.metadata.set(m.key, m.value);
		checkUnique(
			g.initializer.map((t) => t.name),
			'initializer'
		);
		checkUnique(
			g.input.map((v) => v.name),
			'graph input'
		);
		checkUnique(
			g.output.map((v) => v.name),
			'graph output'
		);
		for (const t of g.initializer) this.initializers.set(t.name, t);
		for (const v of [...g.input, ...g.output, ...g.valueInfo]) this.valueInfo.set(v.name, toValueInfo(v));
		this.inputs = g.input.filter((v) => !this.initializers.has(v.name)).map(toValueInfo);
		this.outputs = g.output.map(toValueInfo);
		checkNoNul(
			g.input.map((v) => v.name),
			'graph input'
		);
		checkNoNul(
			g.output.map((v) => v.name),
			'graph output'
		);
		checkNoNul(
			g.initializer.map((t) => t.name),
			'initializer'
		);
		for (const n of g.node) checkNoNul(n.output, 'tensor');
		const available = new Set([...this.initializers.keys(), ...this.inputs.map((i) => i.name)]);
		this.nodes = topoSort(g.node, available);
		for (const n of this.nodes) {
			for (const o of n.outputs) if (o) this.producer.set(o, n);
			for (const i of n.inputs) {
				if (!i) continue;
				const list = this.consumers.get(i);
				if (list) list.push(n);
				else this.consumers.set(i, [n]);
			}
			if (n.opType === 'Constant' && n.domain === '') {
				const t = constantTensor(n.proto);
				if (t) this.constants.set(n.outputs[0], t);
			}
		}
		for (const o of this.outputs)
			if (!this.producer.has(o.name) && !available.has(o.name))
				throw new ModelError(`Invalid graph: output ${quote(o.name)} is not produced by any node, input or initializer.`);
	}

	get opset(): number {
		return this.opsets.get('') ?? 0;
	}

	/** The tensor's value if it is an initializer or a Constant output (looking through Identity). */
	constantOf(name: string): TensorProto | null {
		for (let hops = 0; hops < 8; hops++) {
			const t = this.initializers.get(name) ?? this.constants.get(name);
			if (t) return t;
			const p = this.producer.get(name);
			if (!p || p.opType !== 'Identity') return null;
			name = p.inputs[0];
		}
		return null;
	}

	/** A constant's values as numbers (for scalars such as eps or alpha); null if not constant. */
	numbersOf(name: string): number[] | null {
		const t = this.constantOf(name);
		return t ? tensorNumbers(t) : null;
	}

	isConstant(name: string): boolean {
		return this.constantOf(name) !== null;
	}

	consumersOf(name: string): GraphNode[] {
		return this.consumers.get(name) ?? [];
	}
}

export function attr(node: GraphNode | NodeProto, name: string): AttributeProto | undefined {
	const proto = 'proto' in node ? node.proto : node;
	return proto.attribute.find((a) => a.name === name);
}

export function attrInt(node: GraphNode, name: string, dflt: number): number {
	const a = attr(node, name);
	return a && (a.type === AT.INT || a.type === AT.UNDEFINED) ? Number(a.i) : dflt;
}

export function attrFloat(node: GraphNode, name: string, dflt: number): number {
	const a = attr(node, name);
	return a && (a.type === AT.FLOAT || a.type === AT.UNDEFINED) ? a.f : dflt;
}

export function attrInts(node: GraphNode, name: string): number[] | null {
	const a = attr(node, name);
	return a && a.type === AT.INTS ? a.ints.map(Number) : null;
}

function constantTensor(n: NodeProto): TensorProto | null {
	for (const a of n.attribute) {
		if (a.name === 'value' && a.t) return a.t;
		// value_float / value_int and friends: wrap as a scalar so callers see one shape of answer.
		if (a.name === 'value_float' || a.name === 'value_floats') {
			const vals = a.name === 'value_float' ? [a.f] : a.floats;
			return { dims: a.name === 'value_float' ? [] : [BigInt(vals.length)], dataType: 1, floatData: vals } as unknown as TensorProto;
		}
		if (a.name === 'value_int' || a.name === 'value_ints') {
			const vals = a.name === 'value_int' ? [a.i] : a.ints;
			return { dims: a.name === 'value_int' ? [] : [BigInt(vals.length)], dataType: 7, int64Data: vals } as unknown as TensorProto;
		}
	}
	return null;
}

function toValueInfo(v: ValueInfoProto): ValueInfo {
	const tt = v.type?.value.case === 'tensorType' ? v.type.value.value : undefined;
	const dims = tt?.shape
		? tt.shape.dim.map((d): Dim =>
				d.value.case === 'dimValue' ? Number(d.value.value) : d.value.case === 'dimParam' ? d.value.value : null
			)
		: null;
	return { name: v.name, dtype: dtypeName(tt?.elemType ?? 0), dims };
}

/** Tensor names upstream of `from` (itself included): what it is computed from. */
export function upstream(graph: Graph, from: string): Set<string> {
	return walk([from], (t) => graph.producer.get(t)?.inputs ?? []);
}

/** Tensor names downstream of `from` (themselves included): what is computed from them. */
export function downstream(graph: Graph, from: readonly string[]): Set<string> {
	return walk(from, (t) => graph.consumersOf(t).flatMap((n) => n.outputs));
}

function walk(start: readonly string[], next: (t: string) => readonly string[]): Set<string> {
	const stack = [...start];
	const seen = new Set<string>();
	while (stack.length) {
		const t = stack.pop()!;
		if (!t || seen.has(t)) continue;
		seen.add(t);
		for (const i of next(t)) if (i) stack.push(i);
	}
	return seen;
}
