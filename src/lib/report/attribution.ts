// Direct logit attribution: the final stream at one position split into what wrote it (the
// embedding, each head through its slice of W_O, each attention output bias, each MLP output),
// each part sent through the final norm with the scale frozen at the real stream (centred for
// LayerNorm) and dotted with the target's unembedding column. The parts plus the final norm's
// beta and the unembedding bias (`bias`) sum to the logit.
import type { Graph } from '../onnx/graph.js';
import type { Layer, Structure } from '../analysis/types.js';
import type { TensorStore } from '../tensor/store.js';
import { headSite, woMatrix } from '../intervene/heads.js';
import { frozenFactor, wAt, type Values } from '../stats/logits.js';
import { mean } from '../stats/moments.js';
import { constFloats } from '../intervene/heads.js';
import { lensReader, streamRows, type LensReader } from './lens.js';
import { floatsOf } from './numeric.js';

export interface Attribution {
	target: number;
	position: number;
	logit: number; // the model's own logit
	components: { name: string; value: number }[];
	sum: number;
	/** max |sum of the parts' rows - the captured final stream|: how exactly the split covers the stream */
	recompose_max_abs_diff: number;
	notes: string[];
}

interface Part {
	name: string;
	row: Float64Array;
}

/** Why the final stream of this structure is not a sum of its writers; null when it is. */
function notLinear(s: Structure): string | null {
	for (const L of s.layers) {
		if (L.variant !== 'pre-norm' && L.variant !== 'parallel' && L.variant !== 'dyt')
			return `block ${L.index} is ${L.variant}: the stream is re-normalized or rescaled inside the block, so the final stream is not a sum of what each component wrote`;
		if (L.residuals.some((r) => r.alpha !== null)) return `block ${L.index} scales the stream (alpha): not a plain sum`;
	}
	return s.layers.length ? null : 'no recognized blocks';
}

function rowAt(store: TensorStore, name: string | null | undefined, d: number, p: number): Float64Array | null {
	const t = name ? store.get(name) : undefined;
	const r = t ? streamRows(t, d) : null;
	return r && p < r.S ? Float64Array.from(r.data.subarray(p * d, (p + 1) * d)) : null;
}

/** Block L's attention split by head (+ bias) where its z and W_O can be read, else whole. */
function attnParts(g: Graph, s: Structure, store: TensorStore, L: Layer, branch: string, d: number, p: number, notes: string[]): Part[] {
	const whole = rowAt(store, branch, d, p);
	const site = headSite(g, s, L);
	const wo = 'why' in site ? null : woMatrix(g, site);
	const z = 'why' in site ? null : store.get(site.z);
	const zf = z ? floatsOf(z) : null;
	if ('why' in site || !wo || !zf || !z || site.out !== branch) {
		notes.push(
			`L${L.index}: attention not split by head (${'why' in site ? site.why : !wo ? 'W_O cannot be read' : !zf ? 'z not captured' : 'the projection output is not the branch'})`
		);
		return whole ? [{ name: `L${L.index}_attn`, row: whole }] : [];
	}
	const H = site.heads,
		S = z.dims[z.dims.length - 2],
		dh = z.dims[z.dims.length - 1];
	const parts: Part[] = [];
	for (let h = 0; h < H; h++) {
		const row = new Float64Array(d);
		for (let k = 0; k < dh; k++) {
			const zk = zf[(h * S + p) * dh + k]; // batch 0: [B,H,S,Dh] and [B*H,S,Dh] agree
			for (let j = 0; j < d; j++) row[j] += zk * wo.data[(h * dh + k) * wo.cols + j];
		}
		parts.push({ name: `L${L.index}H${h}`, row });
	}
	const bo = site.bo ? constFloats(g, site.bo) : null;
	if (bo) parts.push({ name: `L${L.index}_attn_bias`, row: Float64Array.from(bo.data) });
	// The split must rebuild the captured branch; a layout it did not expect shows here.
	const err = whole
		? maxAbs(
				sumRows(
					parts.map((x) => x.row),
					d
				),
				whole
			)
		: Infinity;
	if (!(err <= 1e-3 * Math.max(1, norm(whole!)))) {
		notes.push(`L${L.index}: the per-head split does not rebuild the attention output (off by ${err}); kept whole`);
		return whole ? [{ name: `L${L.index}_attn`, row: whole }] : [];
	}
	return parts;
}

function sumRows(rows: Float64Array[], d: number): Float64Array {
	const s = new Float64Array(d);
	for (const r of rows) for (let i = 0; i < d; i++) s[i] += r[i];
	return s;
}

function maxAbs(a: Values, b: Values): number {
	let m = 0;
	for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
	return m;
}

function norm(a: Values): number {
	let s = 0;
	for (let i = 0; i < a.length; i++) s += a[i] * a[i];
	return Math.sqrt(s);
}

/** The parts of the final stream at position p, in stream order. */
function parts(g: Graph, s: Structure, store: TensorStore, d: number, p: number, notes: string[]): Part[] | { why: string } {
	const embed = rowAt(store, s.layers[0].input, d, p);
	if (!embed) return { why: `the stream entering block 0 (${s.layers[0].input}) was not captured` };
	const out: Part[] = [{ name: 'embed', row: embed }];
	for (const L of s.layers)
		for (const r of L.residuals) {
			const attn = r.sublayer === 'attn' ? r.branch : r.sublayer === 'both' ? r.attnPart : null;
			const mlp = r.sublayer === 'mlp' ? r.branch : r.sublayer === 'both' ? r.mlpPart : null;
			if (r.sublayer === 'both' && (!attn || !mlp))
				return { why: `block ${L.index}: the parallel branch's attention and MLP halves were not told apart` };
			if (attn) out.push(...attnParts(g, s, store, L, attn, d, p, notes));
			if (mlp) {
				const row = rowAt(store, mlp, d, p);
				if (!row) return { why: `block ${L.index}'s MLP output (${mlp}) was not captured` };
				out.push({ name: `L${L.index}_mlp`, row });
			}
		}
	return out;
}

export interface AttributeOptions {
	target?: number; // default: the model's top token at `position`
	position?: number; // default: the last
}

export function attribute(g: Graph, s: Structure, store: TensorStore, opts: AttributeOptions = {}): Attribution | { why: string } {
	const why = notLinear(s);
	if (why) return { why };
	const r: LensReader | { why: string } = lensReader(g, s);
	if ('why' in r) return r;
	const { d, v } = r.u;
	const logitsT = store.get(r.site.logits);
	const logits = logitsT ? streamRows(logitsT, v) : null;
	if (!logits) return { why: `the logits (${r.site.logits}) were not captured` };
	const position = opts.position ?? logits.S - 1;
	if (!Number.isInteger(position) || position < 0 || position >= logits.S)
		return { why: `position ${position} is past the sequence (0..${logits.S - 1})` };
	const row = logits.data.subarray(position * v, (position + 1) * v);
	let target = opts.target ?? 0;
	if (opts.target === undefined) for (let t = 1; t < v; t++) if (row[t] > row[target]) target = t;
	if (!Number.isInteger(target) || target < 0 || target >= v) return { why: `token ${target} is not in the vocabulary (0..${v - 1})` };
	const x = rowAt(store, r.site.stream, d, position);
	if (!x) return { why: `the final stream (${r.site.stream}) was not captured` };
	const notes: string[] = [];
	const ps = parts(g, s, store, d, position, notes);
	if ('why' in ps) return ps;
	const f = frozenFactor(x, r.norm);
	const centre = r.norm.kind === 'layernorm';
	const score = (c: Values) => {
		const m = centre ? mean(c) : 0;
		let acc = 0;
		for (let i = 0; i < d; i++) acc += (c[i] - m) * f[i] * wAt(r.u, i, target);
		return acc;
	};
	const components = ps.map((p) => ({ name: p.name, value: score(p.row) }));
	let bias = r.u.bias ? r.u.bias[target] : 0;
	if (r.norm.beta) for (let i = 0; i < d; i++) bias += r.norm.beta[i] * wAt(r.u, i, target);
	components.push({ name: 'bias', value: bias });
	const sum = components.reduce((a, c) => a + c.value, 0);
	const recompose = maxAbs(
		sumRows(
			ps.map((p) => p.row),
			d
		),
		x
	);
	return { target, position, logit: row[target], components, sum, recompose_max_abs_diff: recompose, notes };
}
