// The oracle's "what if": interventions, the logit lens and direct logit attribution, computed on
// forward.ts's float64 pass with the zoo weights. No ONNX, no ORT: tests hold blockscope's graph
// rewrite and read-outs against these numbers.
import { D_HEAD, D_MODEL, EPS, N_HEADS, N_LAYERS, VARIANTS, type ZooId } from './config.js';
import { forward } from './forward.js';
import { zooBuild, type OracleTensor } from './oracle.js';
import { spellingOf, type Spelling } from './spelling.js';
import { VOCAB } from './vocab.js';
import { zooWeights, type NormWeights } from './weights.js';

export type OracleOp =
	| { kind: 'ablate'; layer: number; head: number; mode: 'zero' | 'mean' }
	| { kind: 'zero'; layer: number; branch: 'attn' | 'mlp' }
	/** key: a forward.ts key ("L0.resid_mid", "L1.z", "embed"); from: run B's tokens or a value (S, n). */
	| { kind: 'patch'; key: string; position: number | null; head: number | null; from: readonly number[] | Float64Array };

function keyOf(op: OracleOp): string {
	if (op.kind === 'ablate') return `L${op.layer}.z`;
	if (op.kind === 'zero') return `L${op.layer}.${op.branch === 'attn' ? 'attn_out' : 'mlp_out'}`;
	return op.key;
}

/** Columns of head h in a (S, D) z; every column for other tensors. */
function cols(op: OracleOp, n: number): [number, number] {
	const head = op.kind === 'ablate' ? op.head : op.kind === 'patch' ? op.head : null;
	return head === null ? [0, n] : [head * D_HEAD, (head + 1) * D_HEAD];
}

function apply(op: OracleOp, x: Float64Array, n: number, source: (key: string) => Float64Array): Float64Array {
	const y = Float64Array.from(x);
	const S = x.length / n;
	const [c0, c1] = cols(op, n);
	const rows = op.kind === 'patch' && op.position !== null ? [op.position] : Array.from({ length: S }, (_, s) => s);
	const value = op.kind === 'patch' ? (op.from instanceof Float64Array ? op.from : source(op.key)) : null;
	for (let c = c0; c < c1; c++) {
		let mean = 0;
		if (op.kind === 'ablate' && op.mode === 'mean') for (let s = 0; s < S; s++) mean += x[s * n + c] / S;
		for (const s of rows) y[s * n + c] = value ? value[s * n + c] : op.kind === 'ablate' ? mean : 0;
	}
	return y;
}

/** Every named intermediate of the run with `ops` applied, keyed by ONNX name (as oracleTensors). */
export function oracleIntervened(
	id: ZooId,
	tokens: readonly number[],
	ops: readonly OracleOp[],
	spelling?: Partial<Spelling>
): Map<string, OracleTensor> {
	const s = spellingOf(spelling);
	const sources = new Map<string, Map<string, Float64Array>>();
	const source = (op: OracleOp) => (key: string) => {
		const from = (op as { from: readonly number[] }).from;
		const k = from.join(',');
		if (!sources.has(k)) sources.set(k, new Map([...forward(id, from, s).tensors].map(([kk, t]) => [kk, t.data])));
		return sources.get(k)!.get(key)!;
	};
	const hook = (key: string, data: Float64Array, n: number) => {
		let x: Float64Array | undefined;
		for (const op of ops) if (keyOf(op) === key) x = apply(op, x ?? data, n, source(op));
		return x;
	};
	const { names } = zooBuild(id, spelling);
	const out = new Map<string, OracleTensor>();
	for (const [key, t] of forward(id, tokens, s, hook).tensors) {
		const name = names.get(key)!;
		out.set(name, { dims: t.dims, data: Float32Array.from(t.data), data64: t.data });
	}
	return out;
}

/** The final norm applied to one row with its own statistics (identity when the variant has none). */
function finalNorm(x: Float64Array, w: NormWeights | null, kind: 'layernorm' | 'rmsnorm' | 'dyt'): Float64Array {
	if (!w) return x;
	if (kind === 'dyt') return x.map((v, c) => w.gamma[c] * Math.tanh(w.alpha! * v) + w.beta![c]);
	const mean = kind === 'layernorm' ? x.reduce((a, b) => a + b, 0) / x.length : 0;
	const ms = x.reduce((a, v) => a + (v - mean) * (v - mean), 0) / x.length;
	const inv = 1 / Math.sqrt(ms + EPS);
	return x.map((v, c) => (v - mean) * inv * w.gamma[c] + (w.beta ? w.beta[c] : 0));
}

function unembed(h: Float64Array, wu: Float32Array): Float64Array {
	const V = VOCAB.length;
	const y = new Float64Array(V);
	for (let i = 0; i < D_MODEL; i++) for (let t = 0; t < V; t++) y[t] += h[i] * wu[i * V + t];
	return y;
}

export interface OracleLensPoint {
	layer: number;
	point: 'resid_pre' | 'resid_mid' | 'resid_post';
	probs: Float64Array[]; // per position, the vocabulary's probabilities
}

/** Logit lens: every resid_pre / resid_mid / resid_post through the final norm and W_U, softmaxed. */
export function oracleLens(id: ZooId, tokens: readonly number[]): OracleLensPoint[] {
	const info = VARIANTS[id];
	const W = zooWeights(id);
	const T = forward(id, tokens, spellingOf()).tensors;
	const S = tokens.length;
	const out: OracleLensPoint[] = [];
	for (let l = 0; l < N_LAYERS; l++) {
		const points: [OracleLensPoint['point'], string][] = [['resid_pre', l === 0 ? 'embed' : `L${l - 1}.resid_post`]];
		if (info.family !== 'parallel') points.push(['resid_mid', `L${l}.resid_mid`]);
		points.push(['resid_post', `L${l}.resid_post`]);
		for (const [point, key] of points) {
			const x = T.get(key)!.data;
			const probs = Array.from({ length: S }, (_, p) =>
				softmax(unembed(finalNorm(x.subarray(p * D_MODEL, (p + 1) * D_MODEL), W.lnf, info.norm), W.wu))
			);
			out.push({ layer: l, point, probs });
		}
	}
	return out;
}

function softmax(z: Float64Array): Float64Array {
	const m = Math.max(...z);
	const e = z.map((v) => Math.exp(v - m));
	const sum = e.reduce((a, b) => a + b, 0);
	return e.map((v) => v / sum);
}

export interface OracleAttribution {
	target: number;
	position: number;
	logit: number;
	components: { name: string; value: number }[];
}

/**
 * Direct logit attribution of `target` at `position` (pre-norm and parallel variants): each
 * component's row through the final norm with its scale frozen at the real stream, dotted with
 * W_U's column; `bias` is what beta adds. Components + bias = the logit.
 */
export function oracleAttribution(id: ZooId, tokens: readonly number[], target: number, position: number): OracleAttribution {
	const info = VARIANTS[id];
	if (info.family === 'post-norm' || info.family === 'deepnorm')
		throw new Error(`${id}: the stream is re-normalized inside each block; no linear attribution`);
	const W = zooWeights(id);
	const T = forward(id, tokens, spellingOf()).tensors;
	const V = VOCAB.length;
	const row = (key: string) => T.get(key)!.data.subarray(position * D_MODEL, (position + 1) * D_MODEL);
	const x = row(`L${N_LAYERS - 1}.resid_post`);
	const lnf = W.lnf;
	// Frozen per-element factor: the norm is linear in its input once the scale is fixed.
	const mean = info.norm === 'layernorm' && lnf ? x.reduce((a, b) => a + b, 0) / D_MODEL : 0;
	const ms = x.reduce((a, v) => a + (v - mean) * (v - mean), 0) / D_MODEL;
	const factor = Array.from({ length: D_MODEL }, (_, i) =>
		!lnf
			? 1
			: info.norm === 'dyt'
				? (x[i] === 0 ? lnf.alpha! : Math.tanh(lnf.alpha! * x[i]) / x[i]) * lnf.gamma[i]
				: lnf.gamma[i] / Math.sqrt(ms + EPS)
	);
	const centre = info.norm === 'layernorm' && lnf;
	const score = (c: ArrayLike<number>) => {
		let m = 0;
		if (centre) for (let i = 0; i < D_MODEL; i++) m += c[i] / D_MODEL;
		let acc = 0;
		for (let i = 0; i < D_MODEL; i++) acc += (c[i] - m) * factor[i] * W.wu[i * V + target];
		return acc;
	};
	const components: { name: string; value: number }[] = [{ name: 'embed', value: score(row('embed')) }];
	for (let l = 0; l < N_LAYERS; l++) {
		const L = W.layers[l];
		const z = row(`L${l}.z`);
		for (let h = 0; h < N_HEADS; h++) {
			const c = new Float64Array(D_MODEL);
			for (let d = h * D_HEAD; d < (h + 1) * D_HEAD; d++) for (let j = 0; j < D_MODEL; j++) c[j] += z[d] * L.wo[d * D_MODEL + j];
			components.push({ name: `L${l}H${h}`, value: score(c) });
		}
		if (L.bo) components.push({ name: `L${l}_attn_bias`, value: score(L.bo) });
		components.push({ name: `L${l}_mlp`, value: score(row(`L${l}.mlp_out`)) });
	}
	let bias = 0;
	if (lnf?.beta) for (let i = 0; i < D_MODEL; i++) bias += lnf.beta[i] * W.wu[i * V + target];
	components.push({ name: 'bias', value: bias });
	const logit = T.get('logits')!.data[position * V + target];
	return { target, position, logit, components };
}
