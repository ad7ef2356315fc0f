// A graph builder for recognition fixtures that names things the way torch.onnx.export does:
// node "/h.0/attn/MatMul_1", output "/h.0/attn/MatMul_1_output_0", scalar constants as Constant
// nodes in the scope that uses them, parameters by their module path ("h.0.ln_1.weight"),
// transposed MatMul weights as "onnx::MatMul_123". `plain` naming gives short opaque names
// ("t17") instead, for tests that must not lean on names at all.
import type { ModelProto, NodeProto, TensorProto, ValueInfoProto } from '../../src/lib/onnx/gen/onnx_pb.js';
import { buildModel, DT, node, tensorBool, tensorF32, tensorI64, valueInfo, type AttrValue } from '../../src/lib/onnx/build.js';
import { Graph } from '../../src/lib/onnx/graph.js';
import { uniform } from '../../src/lib/stats/random.js';

export type Naming = 'torch' | 'plain';

export class GraphBuilder {
	readonly nodes: NodeProto[] = [];
	readonly initializers: TensorProto[] = [];
	readonly inputs: ValueInfoProto[] = [];
	readonly outputs: ValueInfoProto[] = [];
	readonly valueInfo: ValueInfoProto[] = [];
	private path: string[] = [];
	private readonly counters = new Map<string, number>();
	private plainCount = 0;
	private onnxCount = 100;
	private readonly rand: () => number;

	constructor(
		readonly naming: Naming = 'torch',
		readonly opset = 17,
		seed = 7
	) {
		this.rand = uniform(seed);
	}

	/** Run `body` inside a module scope, e.g. scope('h.0', () => scope('attn', ...)). */
	scope<T>(name: string, body: () => T): T {
		const saved = this.path;
		this.path = [...saved, name];
		try {
			return body();
		} finally {
			this.path = saved;
		}
	}

	/** A parameter's name at the current module path: "layers.0.self_attn.q_proj" + ".bias". */
	qualified(local: string): string {
		return [...this.path, local].join('.');
	}

	private nodeName(op: string): string {
		if (this.naming === 'plain') return `n${this.plainCount++}`;
		const p = this.path.join('/');
		const k = `${p}|${op}`;
		const i = this.counters.get(k) ?? 0;
		this.counters.set(k, i + 1);
		return `/${p ? `${p}/` : ''}${op}${i ? `_${i}` : ''}`;
	}

	/** One node with `n` outputs; returns the outputs. `out` renames the first (a graph output). */
	opN(
		opType: string,
		inputs: string[],
		n: number,
		attrs: Record<string, AttrValue> = {},
		opts: { out?: string; domain?: string } = {}
	): string[] {
		const name = this.nodeName(opType);
		const outs = Array.from({ length: n }, (_, i) => (this.naming === 'plain' ? `t${this.plainCount++}` : `${name}_output_${i}`));
		if (opts.out) outs[0] = opts.out;
		this.nodes.push(node(opType, inputs, outs, attrs, { name, domain: opts.domain }));
		return outs;
	}

	op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, opts: { out?: string; domain?: string } = {}): string {
		return this.opN(opType, inputs, 1, attrs, opts)[0];
	}

	/** A Constant node (what torch emits for Python scalars and literal shapes). */
	constant(values: number[], dims: number[] = [], type: 'float' | 'int64' | 'bool' = 'float'): string {
		const t =
			type === 'float' ? tensorF32('', dims, values) : type === 'int64' ? tensorI64('', dims, values) : tensorBool('', dims, values);
		return this.op('Constant', [], { value: { t } });
	}

	f(v: number): string {
		return this.constant([v]);
	}

	ints(values: number[]): string {
		return this.constant(values, [values.length], 'int64');
	}

	/** An initializer with small seeded values (or the given data). */
	param(name: string, dims: number[], data?: ArrayLike<number>, scale = 0.2): string {
		const n = dims.reduce((a, b) => a * b, 1);
		const values = data ?? Array.from({ length: n }, () => (this.rand() * 2 - 1) * scale);
		this.initializers.push(tensorF32(name, dims, values));
		return name;
	}

	/** A transposed Linear weight as torch writes it after constant folding: "onnx::MatMul_123". */
	matmulWeight(dims: number[]): string {
		return this.param(`onnx::MatMul_${this.onnxCount++}`, dims);
	}

	ones(name: string, n: number): string {
		return this.param(name, [n], new Array(n).fill(1));
	}

	zeros(name: string, n: number): string {
		return this.param(name, [n], new Array(n).fill(0));
	}

	initializer(t: TensorProto): string {
		this.initializers.push(t);
		return t.name;
	}

	input(name: string, type: DT, dims: (number | string)[]): string {
		this.inputs.push(valueInfo(name, type, dims));
		return name;
	}

	output(name: string, type: DT, dims: (number | string)[] | null): string {
		this.outputs.push(valueInfo(name, type, dims));
		return name;
	}

	/** Shape info for an intermediate (exporters that ran shape inference carry it). */
	shape(name: string, dims: (number | string)[]): void {
		this.valueInfo.push(valueInfo(name, DT.FLOAT, dims));
	}

	/** ReduceMean over the last axis, keepdims, in the opset's own spelling. */
	reduceMean(x: string): string {
		return this.opset < 18
			? this.op('ReduceMean', [x], { axes: [-1], keepdims: 1 })
			: this.op('ReduceMean', [x, this.ints([-1])], { keepdims: 1 });
	}

	/** Unsqueeze in the opset's own spelling. */
	unsqueeze(x: string, axes: number[]): string {
		return this.opset < 13 ? this.op('Unsqueeze', [x], { axes }) : this.op('Unsqueeze', [x, this.ints(axes)]);
	}

	/** `x.size(i)` as torch traces it: Shape -> Gather(i) (a 0-d int64). */
	size(x: string, i: number): string {
		return this.op('Gather', [this.op('Shape', [x]), this.constant([i], [], 'int64')], { axis: 0 });
	}

	model(name = 'fixture', extra: { metadata?: Record<string, string>; extraOpsets?: Record<string, number> } = {}): ModelProto {
		const m = buildModel({
			name,
			nodes: this.nodes,
			inputs: this.inputs,
			outputs: this.outputs,
			initializers: this.initializers,
			opset: this.opset,
			irVersion: this.opset >= 21 ? 10 : this.opset >= 19 ? 9 : 8,
			...extra
		});
		m.graph!.valueInfo.push(...this.valueInfo);
		return m;
	}

	graph(name?: string, extra?: Parameters<GraphBuilder['model']>[1]): Graph {
		return new Graph(this.model(name, extra));
	}
}

export { DT };
