// A small graph emitter for the zoo builder: allocates tensor names in one of two styles and
// collects nodes and initializers.
//   plain: readable names ("layer0/pattern", "layer0/attn/Reshape_1"), weights are initializers.
//   torch: what torch.onnx.export writes ("/h.0/attn/Softmax_output_0"), scalar constants as
//          Constant nodes, MatMul weights through Identity nodes ("onnx::MatMul_1001").
import type { NodeProto, TensorProto } from '../../src/lib/onnx/gen/onnx_pb.js';
import { node, tensorBool, tensorF32, tensorI64, type AttrValue } from '../../src/lib/onnx/build.js';

export type ConstKind = 'f32' | 'i64' | 'bool';

export class Emitter {
	readonly nodes: NodeProto[] = [];
	readonly initializers: TensorProto[] = [];
	/** semantic key ("L0.pattern") -> tensor name */
	readonly names = new Map<string, string>();
	/** semantic key -> a fixed output name (graph outputs such as "logits") */
	readonly fixed = new Map<string, string>();
	private scopePath: string[] = [];
	private readonly counters = new Map<string, number>();
	private readonly plainConsts = new Map<string, string>();
	private identityCount = 1000;

	constructor(readonly torch: boolean) {}

	/** Run `body` inside a module scope (torch: "/h.0/attn"; plain: "layer0/attn"). */
	in<T>(segments: string[], body: () => T): T {
		const saved = this.scopePath;
		this.scopePath = [...saved, ...segments];
		try {
			return body();
		} finally {
			this.scopePath = saved;
		}
	}

	private nodeName(op: string): string {
		const path = this.scopePath.join('/');
		const k = `${path}|${op}`;
		const n = this.counters.get(k) ?? 0;
		this.counters.set(k, n + 1);
		const base = `${op}${n ? `_${n}` : ''}`;
		return this.torch ? `/${path ? `${path}/` : ''}${base}` : `${path || 'graph'}/${base}`;
	}

	private outputName(nodeName: string, key?: string): string {
		if (key && this.fixed.has(key)) return this.fixed.get(key)!;
		if (this.torch) return `${nodeName}_output_0`;
		if (key) return plainKeyName(key);
		return nodeName;
	}

	/** Emit one node; returns its output name. `key` records it as a named intermediate. */
	op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, key?: string): string {
		const name = this.nodeName(opType);
		const out = this.outputName(name, key);
		this.nodes.push(node(opType, inputs, [out], attrs, { name }));
		if (key) this.names.set(key, out);
		return out;
	}

	/** A constant: an initializer (plain, shared by value) or a Constant node (torch, one per use). */
	const(kind: ConstKind, dims: number[], values: ArrayLike<number>, hint: string): string {
		const tensor = (name: string) =>
			kind === 'f32' ? tensorF32(name, dims, values) : kind === 'i64' ? tensorI64(name, dims, values) : tensorBool(name, dims, values);
		if (this.torch) {
			const name = this.nodeName('Constant');
			const out = `${name}_output_0`;
			this.nodes.push(node('Constant', [], [out], { value: { t: tensor('') } }, { name }));
			return out;
		}
		const sig = `${kind}|${dims.join(',')}|${Array.from(values).join(',')}`;
		const hit = this.plainConsts.get(sig);
		if (hit) return hit;
		let name = `const/${hint}`;
		for (let i = 1; this.initializers.some((t) => t.name === name); i++) name = `const/${hint}_${i}`;
		this.initializers.push(tensor(name));
		this.plainConsts.set(sig, name);
		return name;
	}

	/** A learned tensor (an initializer). MatMul weights in torch style go through an Identity. */
	param(plainName: string, torchName: string, dims: number[], data: Float32Array, viaIdentity = false): string {
		const name = this.torch ? torchName : plainName;
		this.initializers.push(tensorF32(name, dims, data));
		if (!this.torch || !viaIdentity) return name;
		const out = `onnx::MatMul_${this.identityCount++}`;
		this.nodes.push(node('Identity', [name], [out], {}, { name: `Identity_${this.identityCount - 1000}` }));
		return out;
	}

	/** A non-float initializer with a fixed name (the causal mask table). */
	table(name: string, tensor: TensorProto): string {
		this.initializers.push(tensor);
		return name;
	}
}

/** Plain-style name of a semantic key: "L0.pattern" -> "layer0/pattern", "embed.tok" -> "embed/tok". */
export function plainKeyName(key: string): string {
	const m = /^L(\d+)\.(.+)$/.exec(key);
	return m ? `layer${m[1]}/${m[2]}` : key.replace('.', '/');
}
