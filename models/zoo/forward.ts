// The oracle's forward pass: plain TypeScript over the zoo weights, in float64. No ONNX, no ORT.
// It returns every intermediate under a semantic key ("L0.pattern"); oracle.ts maps keys to the
// ONNX tensor names the generator gave them.
import { D_FF, D_HEAD, D_MODEL, DEEPNORM_ALPHA, EPS, N_HEADS, VARIANTS, type ZooId } from './config.js';
import type { Spelling } from './spelling.js';
import { zooWeights, type NormWeights } from './weights.js';
import { VOCAB } from './vocab.js';

export interface KeyedTensor {
	dims: number[];
	data: Float64Array;
}

/** A matrix of S rows (tokens) by n columns, row-major. */
type Rows = { S: number; n: number; data: Float64Array };

function rows(S: number, n: number): Rows {
	return { S, n, data: new Float64Array(S * n) };
}

/** x [S, a] @ w [a, b] (+ bias [b]) */
function linear(x: Rows, w: Float32Array, b: Float32Array | null, out: number): Rows {
	const y = rows(x.S, out);
	for (let s = 0; s < x.S; s++)
		for (let i = 0; i < x.n; i++) {
			const xi = x.data[s * x.n + i];
			if (xi === 0) continue;
			for (let j = 0; j < out; j++) y.data[s * out + j] += xi * w[i * out + j];
		}
	if (b) for (let s = 0; s < x.S; s++) for (let j = 0; j < out; j++) y.data[s * out + j] += b[j];
	return y;
}

function map(x: Rows, f: (v: number, col: number) => number): Rows {
	const y = rows(x.S, x.n);
	for (let i = 0; i < x.data.length; i++) y.data[i] = f(x.data[i], i % x.n);
	return y;
}

function zip(a: Rows, b: Rows, f: (x: number, y: number) => number): Rows {
	const y = rows(a.S, a.n);
	for (let i = 0; i < a.data.length; i++) y.data[i] = f(a.data[i], b.data[i]);
	return y;
}

const add = (a: Rows, b: Rows) => zip(a, b, (x, y) => x + y);

/** erf to ~1e-15: Taylor series near 0, Lentz continued fraction for erfc in the tails. */
export function erf(x: number): number {
	const ax = Math.abs(x);
	if (ax < 3) {
		let term = x,
			sum = x;
		for (let n = 1; n < 100; n++) {
			term *= (-x * x) / n;
			const t = term / (2 * n + 1);
			sum += t;
			if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
		}
		return (2 / Math.sqrt(Math.PI)) * sum;
	}
	// erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...))))
	const tiny = 1e-300;
	let f = ax,
		C = ax,
		Dd = 0;
	for (let n = 1; n < 200; n++) {
		const an = n / 2;
		Dd = ax + an * Dd;
		Dd = Math.abs(Dd) < tiny ? tiny : Dd;
		C = ax + an / C;
		C = Math.abs(C) < tiny ? tiny : C;
		Dd = 1 / Dd;
		const delta = C * Dd;
		f *= delta;
		if (Math.abs(delta - 1) < 1e-16) break;
	}
	const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
	return Math.sign(x) * (1 - erfc);
}

export function gelu(x: number, form: Spelling['gelu']): number {
	if (form === 'tanh') return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
	return 0.5 * x * (1 + erf(x / Math.SQRT2));
}

function norm(x: Rows, w: NormWeights, kind: 'layernorm' | 'rmsnorm' | 'dyt'): Rows {
	if (kind === 'dyt') return map(x, (v, c) => w.gamma[c] * Math.tanh(w.alpha! * v) + w.beta![c]);
	const y = rows(x.S, x.n);
	for (let s = 0; s < x.S; s++) {
		const r = x.data.subarray(s * x.n, (s + 1) * x.n);
		let mean = 0;
		if (kind === 'layernorm') {
			for (const v of r) mean += v;
			mean /= x.n;
		}
		let ms = 0; // variance (LN) or mean square (RMS)
		for (const v of r) ms += (v - mean) * (v - mean);
		ms /= x.n;
		const inv = 1 / Math.sqrt(ms + EPS);
		for (let c = 0; c < x.n; c++) y.data[s * x.n + c] = (r[c] - mean) * inv * w.gamma[c] + (w.beta ? w.beta[c] : 0);
	}
	return y;
}

export interface ForwardResult {
	tensors: Map<string, KeyedTensor>;
}

/** Sees each (S, n) row-major intermediate as it is made; what it returns flows on instead (interventions). */
export type ForwardHook = (key: string, data: Float64Array, cols: number) => Float64Array | void;

/**
 * Run variant `id` on `tokens`. Keys (per layer i, prefix "L{i}."): q k v qk (scale "after") scores masked pattern
 * z attn_out, mlp_pre mlp_act (GELU) or mlp_gate mlp_act mlp_up mlp_prod (SwiGLU), mlp_out, and by
 * family: ln1 ln2 resid_mid resid_post (pre-norm, dyt), attn_add resid_mid mlp_add resid_post
 * (post-norm), attn_scaled attn_add resid_mid mlp_scaled mlp_add resid_post (deepnorm), ln1 branch
 * resid_post (parallel). Global: embed.tok embed.pos embed ln_f logits.
 */
export function forward(id: ZooId, tokens: readonly number[], spelling: Spelling, hook?: ForwardHook): ForwardResult {
	const info = VARIANTS[id];
	const W = zooWeights(id);
	const S = tokens.length;
	const V = VOCAB.length;
	const out = new Map<string, KeyedTensor>();
	const emit = (key: string, x: Rows, dims = [1, x.S, x.n]) => {
		const y = hook?.(key, x.data, x.n);
		if (y) x = { S: x.S, n: x.n, data: y };
		out.set(key, { dims, data: x.data });
		return x;
	};

	// Embeddings: token rows + the first S learned positions.
	const tok = rows(S, D_MODEL);
	tokens.forEach((t, s) => tok.data.set(W.wte.subarray(t * D_MODEL, (t + 1) * D_MODEL), s * D_MODEL));
	const pos = rows(S, D_MODEL);
	pos.data.set(W.wpe.subarray(0, S * D_MODEL));
	emit('embed.tok', tok);
	emit('embed.pos', pos, [S, D_MODEL]);
	let x = emit('embed', add(tok, pos));

	const folded = spelling.softmax === 'folded';
	const headDims = (cols: number) => (folded ? [N_HEADS, S, cols] : [1, N_HEADS, S, cols]);
	const maskFill = spelling.mask === 'add-large' ? (v: number) => v - 1e9 : () => -Infinity;

	const nk = info.norm;
	for (let l = 0; l < W.layers.length; l++) {
		const L = W.layers[l];
		const key = (k: string) => `L${l}.${k}`;

		// Attention over a (normalized or raw) input a: (S, D) -> (S, D)
		const attention = (a: Rows): Rows => {
			const q = emit(key('q'), linear(a, L.wq, L.bq, D_MODEL));
			const k = emit(key('k'), linear(a, L.wk, L.bk, D_MODEL));
			const v = emit(key('v'), linear(a, L.wv, L.bv, D_MODEL));
			// (H, S, S) scores, stored head-major like [B, H, S, S] / [B*H, S, S]
			const qk = new Float64Array(N_HEADS * S * S);
			for (let h = 0; h < N_HEADS; h++)
				for (let i = 0; i < S; i++)
					for (let j = 0; j < S; j++) {
						let acc = 0;
						for (let d = 0; d < D_HEAD; d++) acc += q.data[i * D_MODEL + h * D_HEAD + d] * k.data[j * D_MODEL + h * D_HEAD + d];
						qk[(h * S + i) * S + j] = acc;
					}
			const scores = qk.map((v) => v / Math.sqrt(D_HEAD));
			const masked = scores.map((v, idx) => (idx % S > Math.floor(idx / S) % S ? maskFill(v) : v));
			const pattern = new Float64Array(masked.length);
			for (let r = 0; r < N_HEADS * S; r++) {
				const row = masked.subarray(r * S, (r + 1) * S);
				const m = Math.max(...row);
				let sum = 0;
				for (let j = 0; j < S; j++) sum += pattern[r * S + j] = Math.exp(row[j] - m);
				for (let j = 0; j < S; j++) pattern[r * S + j] /= sum;
			}
			if (spelling.scale === 'after') out.set(key('qk'), { dims: headDims(S), data: qk }); // else the graph has no unscaled product
			out.set(key('scores'), { dims: headDims(S), data: scores });
			out.set(key('masked'), { dims: headDims(S), data: masked });
			out.set(key('pattern'), { dims: headDims(S), data: pattern });
			// z = pattern @ v per head, heads merged back: (S, D)
			const z = rows(S, D_MODEL);
			for (let h = 0; h < N_HEADS; h++)
				for (let i = 0; i < S; i++)
					for (let j = 0; j <= i; j++) {
						const p = pattern[(h * S + i) * S + j];
						for (let d = 0; d < D_HEAD; d++) z.data[i * D_MODEL + h * D_HEAD + d] += p * v.data[j * D_MODEL + h * D_HEAD + d];
					}
			return emit(key('attn_out'), linear(emit(key('z'), z), L.wo, L.bo, D_MODEL));
		};

		// Feed-forward: GELU MLP or SwiGLU, (S, D) -> (S, D)
		const mlp = (a: Rows): Rows => {
			let hidden: Rows;
			if (info.mlp === 'swiglu') {
				const gate = emit(key('mlp_gate'), linear(a, L.w1, L.b1, D_FF));
				const act = emit(
					key('mlp_act'),
					map(gate, (v) => v / (1 + Math.exp(-v)))
				); // SiLU
				const up = emit(key('mlp_up'), linear(a, L.w3!, null, D_FF));
				hidden = emit(
					key('mlp_prod'),
					zip(act, up, (p, u) => p * u)
				);
			} else {
				const pre = emit(key('mlp_pre'), linear(a, L.w1, L.b1, D_FF));
				hidden = emit(
					key('mlp_act'),
					map(pre, (v) => gelu(v, spelling.gelu))
				);
			}
			return emit(key('mlp_out'), linear(hidden, L.w2, L.b2, D_MODEL));
		};

		switch (info.family) {
			case 'pre-norm':
			case 'dyt': {
				// h = x + Attn(N1(x)); out = h + FFN(N2(h))
				const h = emit(key('resid_mid'), add(x, attention(emit(key('ln1'), norm(x, L.ln1, nk)))));
				x = emit(key('resid_post'), add(h, mlp(emit(key('ln2'), norm(h, L.ln2!, nk)))));
				break;
			}
			case 'post-norm': {
				// h = LN1(x + Attn(x)); out = LN2(h + FFN(h))
				const h = emit(key('resid_mid'), norm(emit(key('attn_add'), add(x, attention(x))), L.ln1, nk));
				x = emit(key('resid_post'), norm(emit(key('mlp_add'), add(h, mlp(h))), L.ln2!, nk));
				break;
			}
			case 'deepnorm': {
				// h = LN1(alpha x + Attn(x)); out = LN2(alpha h + FFN(h))
				const attnOut = attention(x);
				const sx = emit(
					key('attn_scaled'),
					map(x, (v) => v * DEEPNORM_ALPHA)
				);
				const h = emit(key('resid_mid'), norm(emit(key('attn_add'), add(sx, attnOut)), L.ln1, nk));
				const mlpOut = mlp(h);
				const sh = emit(
					key('mlp_scaled'),
					map(h, (v) => v * DEEPNORM_ALPHA)
				);
				x = emit(key('resid_post'), norm(emit(key('mlp_add'), add(sh, mlpOut)), L.ln2!, nk));
				break;
			}
			case 'parallel': {
				// out = (Attn(LN(x)) + FFN(LN(x))) + x, as GPT-J adds them
				const n = emit(key('ln1'), norm(x, L.ln1, nk));
				const branch = emit(key('branch'), add(attention(n), mlp(n)));
				x = emit(key('resid_post'), add(branch, x));
				break;
			}
		}
	}
	if (W.lnf) x = emit('ln_f', norm(x, W.lnf, nk));
	emit('logits', linear(x, W.wu, null, V));
	return { tensors: out };
}
