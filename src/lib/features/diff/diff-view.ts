// Pure helpers of the backend diff view: the test-only perturbation (`?perturb=`), the
// two runs as stores in WebGPU/WASM order, and the texts a row prints. No DOM, no runes.
import { hooksByTensor, type ResultMessage, type StructureInfo } from '$lib/worker';
import type { Backend } from '$lib/runtime/capture';
import { storeOf, type CapturedTensor, type TensorStore } from '$lib/tensor';
import { diffStores, type BackendDiff, type DiffWhere } from '$lib/report/diff';
import { displayToken } from '$lib/viz/labels';

/** A test-only change to one element of one tensor of the WebGPU run, applied before diffing. */
export interface Perturb {
	tensor: string;
	index: number;
	delta: number;
}

/**
 * `?perturb=INDEX,DELTA,TENSOR` (the tensor name last: it may hold commas). Honoured only in the
 * diff view, on the WebGPU side. null when absent or malformed.
 */
export function parsePerturb(v: string | null): Perturb | null {
	if (!v) return null;
	const m = /^(\d+),([^,]+),(.+)$/s.exec(v);
	if (!m) return null;
	const index = Number(m[1]);
	const delta = Number(m[2]);
	if (!Number.isSafeInteger(index) || !Number.isFinite(delta)) return null;
	return { tensor: m[3], index, delta };
}

export function formatPerturb(p: Perturb): string {
	return `${p.index},${p.delta},${p.tensor}`;
}

/** A copy of `t` with `delta` added at flat `index` (float32/float64 only; others are returned as they are). */
export function perturbed(t: CapturedTensor, p: Perturb): CapturedTensor {
	if (t.name !== p.tensor || p.index >= t.data.length) return t;
	if (!(t.data instanceof Float32Array || t.data instanceof Float64Array)) return t;
	const data = t.data.slice();
	data[p.index] += p.delta;
	return { ...t, data };
}

/** The tensors of one run as a store (the perturbation applied to a copy, the page's data untouched). */
export function storeFrom(tensors: readonly CapturedTensor[], p: Perturb | null = null): TensorStore {
	return storeOf(p ? tensors.map((t) => (t.name === p.tensor ? perturbed(t, p) : t)) : tensors);
}

/** The backend the other side of the diff needs, given the one the page ran on. */
export function otherBackend(b: Backend): Backend {
	return b === 'webgpu' ? 'wasm' : 'webgpu';
}

/** Two runs as { webgpu, wasm } (whichever order they came in); null unless one of each. */
export function bySide(x: ResultMessage | null, y: ResultMessage | null): { webgpu: ResultMessage; wasm: ResultMessage } | null {
	if (!x || !y || x.backend === y.backend) return null;
	return x.backend === 'webgpu' ? { webgpu: x, wasm: y } : { webgpu: y, wasm: x };
}

/**
 * The two sides of a diff: WebGPU − WASM when the runs differ in backend; A (the page) − B when
 * they ran on one backend with different inputs (B's own text). null until both are in.
 */
export interface DiffSides {
	a: ResultMessage;
	b: ResultMessage;
	kind: 'backend' | 'input';
	labels: { a: string; b: string };
}

export function sidesOf(main: ResultMessage | null, other: ResultMessage | null): DiffSides | null {
	if (!main || !other) return null;
	const s = bySide(main, other);
	if (s) return { a: s.webgpu, b: s.wasm, kind: 'backend', labels: { a: 'WebGPU', b: 'WASM' } };
	return { a: main, b: other, kind: 'input', labels: { a: "A (the page's input)", b: "B (B's input)" } };
}

/** Tensor name -> hook name, from the structure the page shows (roles are in result order). */
export function hookMap(r: ResultMessage, s: StructureInfo | null): Map<string, string> {
	return hooksByTensor(r.tensors, (s ?? r.structure).roles);
}

/** "[0, 1, 3, 7] · token #3 “cat”" */
export function whereText(w: DiffWhere | null, tokens: readonly string[] | null): string {
	if (!w) return '—';
	const idx = `[${w.index.join(', ')}]`;
	if (w.token === null) return idx;
	const label = tokens?.[w.token];
	return `${idx} · token #${w.token}${label === undefined ? '' : ` “${displayToken(label, 12)}”`}`;
}

/** The leading-axes index (batch, head, ...) a difference heatmap starts at: where the max is. */
export function leadOf(dims: readonly number[], w: DiffWhere | null): number[] {
	const n = Math.max(0, dims.length - 2);
	return Array.from({ length: n }, (_, k) => w?.index[k] ?? 0);
}

/**
 * The two runs compared in graph order (WebGPU − WASM, or A − B on one backend), each row at its own tolerance: the base, raised to a
 * 16-bit float's where the tensor or the model's weights are one (main.model.precision).
 */
export function diffRuns(
	main: ResultMessage,
	other: ResultMessage,
	o: { tolerance: number; structure: StructureInfo | null; perturb: Perturb | null }
): BackendDiff | null {
	const s = sidesOf(main, other);
	if (!s) return null;
	return diffStores(storeFrom(s.a.tensors, o.perturb), storeFrom(s.b.tensors, null), {
		tolerance: o.tolerance,
		order: main.tensors.map((t) => t.name),
		seq: main.tokens?.length ?? null,
		hooks: hookMap(main, o.structure),
		precision: main.model.precision ?? null
	});
}

/** "1e-4", or "1e-2 (float16)" when a 16-bit float raised it. */
export function toleranceText(r: { tolerance: number; tolerance_dtype: string | null }): string {
	return r.tolerance_dtype ? `${r.tolerance} (${r.tolerance_dtype})` : String(r.tolerance);
}
