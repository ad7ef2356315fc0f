// Interventions -> the wire edit ORT receives. Each replaced tensor T gets one chain of Where ops:
//   T::clean -> Where(keep_1, ., repl_1) -> ... -> Where(keep_n, ., repl_n) -> T
// keep_i is a bool constant, broadcast over T, true where T keeps its value; repl_i is 0, T's
// mean over positions (ReduceMean, computed in the graph so earlier interventions count), or the
// patch value as a constant. Where, not Mul by a mask, so a NaN/Inf in T does not survive a zero.
import { create } from '@bufbuild/protobuf';
import { TensorProtoSchema, type NodeProto, type TensorProto } from '../onnx/gen/onnx_pb.js';
import { node, tensorBool, tensorI64 } from '../onnx/build.js';
import { dtypeCode, dtypeSize } from '../onnx/dtype.js';
import type { Graph } from '../onnx/graph.js';
import type { Structure } from '../analysis/types.js';
import type { CapturedTensor, TensorStore } from '../tensor/store.js';
import { targetOf } from './targets.js';
import { InterventionError, specOf, type Intervention, type Target } from './types.js';
import type { Rename, WireEdit } from './wire.js';

export interface EditInput {
	graph: Graph;
	structure: Structure;
	interventions: readonly Intervention[];
	/** The run without interventions: dims and dtypes of every replaced tensor. */
	clean: TensorStore;
	/** Run B, for patches from a run. */
	source?: TensorStore | null;
	/** hook -> value, for patches from a file. */
	files?: ReadonlyMap<string, CapturedTensor>;
}

export interface EditEntry {
	spec: string;
	kind: Intervention['kind'];
	tensor: string;
}

export interface Edit {
	wire: WireEdit;
	list: EditEntry[];
}

/** Fresh names: nothing in the graph (tensor or node) may already carry them. */
function namer(g: Graph) {
	const taken = new Set<string>([...g.initializers.keys(), ...g.inputs.map((i) => i.name), ...g.producer.keys()]);
	for (const n of g.nodes) taken.add(n.name);
	return (want: string) => {
		let name = want;
		for (let k = 1; taken.has(name); k++) name = `${want}.${k}`;
		taken.add(name);
		return name;
	};
}

function raw(name: string, t: Pick<CapturedTensor, 'dims' | 'dtype' | 'data'>): TensorProto {
	const d = t.data;
	return create(TensorProtoSchema, {
		name,
		dims: t.dims.map(BigInt),
		dataType: dtypeCode(t.dtype),
		rawData: new Uint8Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength))
	});
}

/** keep: true everywhere except the selected position (axis rank-2) and head. */
function keepMask(name: string, dims: number[], t: Target, pos: number | null, head: number | null, what: string): TensorProto {
	const r = dims.length;
	const shape = dims.map(() => 1);
	const posAxis = r - 2;
	if (pos !== null) {
		if (posAxis < 0) throw new InterventionError(`${what}: the tensor [${dims}] has no position axis`);
		if (pos < 0 || pos >= dims[posAxis])
			throw new InterventionError(`${what}: position ${pos} is past the sequence (${dims[posAxis]} positions, 0..${dims[posAxis] - 1})`);
		shape[posAxis] = dims[posAxis];
	}
	// Heads side by side on the last axis: head h is the block [h*Dh, (h+1)*Dh) there. ONNX
	// Attention given 4-D inputs writes [B, H, S, Dh] instead: heads on axis 1.
	const merged = t.heads?.layout === 'BS,HD' && r === 3;
	const headAxis = !t.heads ? -1 : merged ? r - 1 : t.heads.layout === 'BH,S,S' ? 0 : 1;
	if (head !== null) {
		if (!t.heads)
			throw new InterventionError(`${what}: this tensor has no head axis (heads: blocks.L.attn.hook_z, hook_pattern, hook_attn_scores)`);
		if (head < 0 || head >= t.heads.count)
			throw new InterventionError(`${what}: there are ${t.heads.count} heads (0..${t.heads.count - 1})`);
		if (merged && dims[headAxis] % t.heads.count)
			throw new InterventionError(`${what}: the last axis (${dims[headAxis]}) does not split into ${t.heads.count} heads`);
		shape[headAxis] = dims[headAxis];
	}
	const headOf = (v: number) => (merged ? Math.floor(v / (dims[headAxis] / t.heads!.count)) : v % t.heads!.count);
	const n = shape.reduce((a, b) => a * b, 1);
	const keep = new Array<boolean>(n);
	for (let i = 0; i < n; i++) {
		// index along the two axes that vary (the others are 1)
		let rest = i,
			atPos = true,
			atHead = true;
		for (let k = r - 1; k >= 0; k--) {
			const v = rest % shape[k];
			rest = Math.floor(rest / shape[k]);
			if (k === posAxis && pos !== null) atPos = v === pos;
			if (k === headAxis && head !== null) atHead = headOf(v) === head;
		}
		keep[i] = !(atPos && atHead);
	}
	return tensorBool(name, shape, keep);
}

function patchValue(
	iv: Extract<Intervention, { kind: 'patch' }>,
	tensor: string,
	inp: EditInput,
	dims: number[],
	dtype: string
): CapturedTensor {
	const what = `patch ${specOf(iv)}`;
	const v = iv.source === 'file' ? inp.files?.get(iv.hook) : inp.source?.get(tensor);
	if (!v)
		throw new InterventionError(
			iv.source === 'file'
				? `${what}: no file given for it`
				: `${what}: run B has no value for it (give --source-text, --source-ids or --source-input)`
		);
	if (v.dims.join(',') !== dims.join(','))
		throw new InterventionError(
			`${what}: the patch is [${v.dims}] but the tensor is [${dims}] (patching needs the same shape: same batch and sequence length)`
		);
	if (v.dtype !== dtype) throw new InterventionError(`${what}: the patch is ${v.dtype} but the tensor is ${dtype}`);
	return v;
}

/** The wire edit for `interventions`, applied together (in the order given, per tensor). */
export function buildEdit(inp: EditInput): Edit {
	const g = inp.graph;
	const fresh = namer(g);
	const nodes: NodeProto[] = [];
	const inits: TensorProto[] = [];
	const renames: Rename[] = [];
	const list: EditEntry[] = [];
	const groups = new Map<string, { t: Target; ivs: Intervention[] }>();
	for (const iv of inp.interventions) {
		const t = targetOf(g, inp.structure, iv);
		const grp = groups.get(t.tensor) ?? { t, ivs: [] };
		grp.ivs.push(iv);
		groups.set(t.tensor, grp);
		list.push({ spec: specOf(iv), kind: iv.kind, tensor: t.tensor });
	}
	const fileOrder = g.model.graph!.node;
	for (const [T, { t, ivs }] of groups) {
		const clean = inp.clean.get(T);
		if (!clean) throw new InterventionError(`${specOf(ivs[0])}: the clean run did not capture "${T}" (run it with --capture all)`);
		if (!dtypeSize(clean.dtype) || !clean.dtype.startsWith('float'))
			throw new InterventionError(`${specOf(ivs[0])}: "${T}" is ${clean.dtype}; only float tensors can be replaced`);
		const { dims, dtype } = clean;
		let cur: string;
		let last: string;
		const p = g.producer.get(T);
		if (p) {
			cur = fresh(`${T}::clean`);
			last = T;
			renames.push({ node: fileOrder.indexOf(p.proto), field: 'output', slot: p.outputs.indexOf(T), to: cur });
		} else {
			// A graph input: its consumers read the intervened copy instead.
			cur = T;
			last = fresh(`${T}::intervened`);
			for (const c of g.consumersOf(T))
				c.inputs.forEach((x, slot) => x === T && renames.push({ node: fileOrder.indexOf(c.proto), field: 'input', slot, to: last }));
		}
		ivs.forEach((iv, k) => {
			const out = k === ivs.length - 1 ? last : fresh(`${T}::step${k + 1}`);
			const what = `${iv.kind} ${specOf(iv)}`;
			const keep = fresh(`blockscope.keep.${T}.${k + 1}`);
			const pos = iv.kind === 'patch' ? iv.position : null;
			const head = iv.kind === 'ablate' ? iv.head : iv.kind === 'patch' ? iv.head : null;
			inits.push(iv.kind === 'zero' ? tensorBool(keep, [], [false]) : keepMask(keep, dims, t, pos, head, what));
			let repl: string;
			if (iv.kind === 'patch') {
				repl = fresh(`blockscope.patch.${T}.${k + 1}`);
				inits.push(raw(repl, patchValue(iv, T, inp, dims, dtype)));
			} else if (iv.kind === 'ablate' && iv.mode === 'mean') {
				repl = fresh(`${T}::mean${k + 1}`);
				nodes.push(meanNode(g, fresh, cur, repl, dims.length - 2, inits));
			} else {
				repl = fresh(`blockscope.zero.${dtype}`);
				inits.push(raw(repl, { dims: [], dtype, data: new Uint8Array(dtypeSize(dtype)) }));
			}
			nodes.push(node('Where', [keep, cur, repl], [out], {}, { name: fresh(`blockscope.intervene.${T}.${k + 1}`) }));
			cur = out;
		});
	}
	return { wire: { renames, nodes, initializers: inits }, list };
}

/** ReduceMean over the position axis, keepdims (axes became an input at opset 18). */
function meanNode(g: Graph, fresh: (s: string) => string, x: string, out: string, axis: number, inits: TensorProto[]): NodeProto {
	const name = fresh(`blockscope.mean.${out}`);
	if (g.opset < 18) return node('ReduceMean', [x], [out], { axes: [axis], keepdims: 1 }, { name });
	const axes = fresh(`blockscope.axes.${out}`);
	inits.push(tensorI64(axes, [1], [axis]));
	return node('ReduceMean', [x, axes], [out], { keepdims: 1 }, { name });
}
