// Graph checks while reading: nodes in a valid topological order (the exporter's order kept where
// it is valid), names written once, no NUL in names; each refusal says which node or tensor.
import type { NodeProto } from './gen/onnx_pb.js';
import { ModelError, displayName } from './errors.js';
import type { GraphNode } from './graph.js';

/**
 * Kahn's algorithm over tensor names. Exporters already emit topological order, so this keeps the
 * original order where it is valid; a cycle or a read of a tensor nobody produces is refused.
 * O(E log V): a min-heap of ready node indices keeps the exporter's order among ready nodes, and a
 * graph already in order (the usual case) never waits in the heap for long.
 */
export function topoSort(protos: NodeProto[], available: Set<string>): GraphNode[] {
	const producers = new Map<string, number>();
	protos.forEach((p, i) => {
		for (const o of p.output) {
			if (!o) continue;
			if (producers.has(o) || available.has(o)) {
				const first = producers.get(o);
				const by =
					first !== undefined
						? `node ${nodeName(protos[first])} and node ${nodeName(p)}`
						: `node ${nodeName(p)} and a graph input or initializer`;
				throw new ModelError(
					`Invalid graph: tensor ${quote(o)} is produced twice (by ${by}).`,
					'Every tensor name must be written once (ONNX graphs are in SSA form).'
				);
			}
			producers.set(o, i);
		}
	});
	const indeg = new Int32Array(protos.length);
	const users: number[][] = protos.map(() => []);
	protos.forEach((p, i) => {
		for (const inp of new Set(p.input)) {
			if (!inp) continue;
			const src = producers.get(inp);
			if (src === undefined) {
				if (!available.has(inp))
					throw new ModelError(
						`Invalid graph: node ${nodeName(p)} reads tensor ${quote(inp)}, which no node, input or initializer provides.`
					);
				continue;
			}
			indeg[i]++;
			users[src].push(i);
		}
	});
	const order: number[] = [];
	const ready = new MinHeap();
	for (let i = 0; i < protos.length; i++) if (indeg[i] === 0) ready.push(i);
	while (ready.size) {
		const i = ready.pop();
		order.push(i);
		for (const u of users[i]) if (--indeg[u] === 0) ready.push(u);
	}
	if (order.length !== protos.length) {
		const stuck = protos.findIndex((_, i) => indeg[i] > 0);
		throw new ModelError(
			`Invalid graph: it contains a cycle (${protos.length - order.length} nodes never become ready, the first is ${nodeName(protos[stuck])}).`
		);
	}
	return order.map((pi, index) => {
		const p = protos[pi];
		return {
			index,
			name: p.name,
			opType: p.opType,
			domain: p.domain === 'ai.onnx' ? '' : p.domain,
			inputs: p.input,
			outputs: p.output,
			proto: p
		};
	});
}

/** A binary min-heap of node indices. */
class MinHeap {
	private readonly a: number[] = [];
	get size(): number {
		return this.a.length;
	}
	push(x: number): void {
		const a = this.a;
		let i = a.length;
		a.push(x);
		while (i > 0) {
			const p = (i - 1) >> 1;
			if (a[p] <= x) break;
			a[i] = a[p];
			i = p;
		}
		a[i] = x;
	}
	pop(): number {
		const a = this.a;
		const top = a[0];
		const last = a.pop()!;
		if (a.length) {
			let i = 0;
			for (;;) {
				const l = 2 * i + 1;
				if (l >= a.length) break;
				const c = l + 1 < a.length && a[l + 1] < a[l] ? l + 1 : l;
				if (a[c] >= last) break;
				a[i] = a[c];
				i = c;
			}
			a[i] = last;
		}
		return top;
	}
}

/** Names in a list must be unique (ONNX's SSA rule); `what` is e.g. "graph output". */
export function checkUnique(names: readonly string[], what: string): void {
	const seen = new Set<string>();
	for (const n of names) {
		if (seen.has(n))
			throw new ModelError(
				`Invalid graph: ${what} ${quote(n)} is listed twice.`,
				'Every name in a graph must be unique (ONNX graphs are in SSA form).'
			);
		seen.add(n);
	}
}

/**
 * onnxruntime passes tensor names through C strings: a NUL inside one cuts it short, so feeds and
 * outputs no longer match by name. Refused here, with the name, instead of failing obscurely later.
 */
export function checkNoNul(names: readonly string[], what: string): void {
	for (const n of names)
		if (n.includes('\0'))
			throw new ModelError(`Invalid name: ${what} ${quote(n)} contains a NUL character, which onnxruntime cannot handle in tensor names.`);
}

export function quote(s: string): string {
	return `"${displayName(s)}"`;
}

function nodeName(p: NodeProto): string {
	return p.name ? quote(p.name) : `(unnamed ${displayName(p.opType || 'node', 40)})`;
}
