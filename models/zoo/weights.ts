// Deterministic weights for every zoo variant.
//
// One base set is drawn from seeded normals (each tensor has its own seed, derived from its name,
// so adding a tensor never shifts another). Variants take what they need from it: the LLaMA-like
// one drops biases and uses W3, DeepNorm scales some projections by beta, DyT adds alpha scalars.
//
// Planted heads. The residual stream is split (config.ts): content dims [0, POS0) and a positional
// subspace [POS0, D) that only the position embedding writes (W_O, W_2, their biases and the
// token embedding are zero there). Position p writes, per frequency w_k, the four values
// A * (cos wp, sin wp, -cos wp, -sin wp), plus a constant pair (+C, -C). Planted heads read
// "cos = (x[a] - x[a+2]) / 2" and "sin = (x[a+1] - x[a+3]) / 2": differences, so LayerNorm's mean
// subtraction (which shifts every dim by the same amount) cancels, and LN/RMS scaling only rescales
// the score of a whole row or key. Then q_i . k_j = g * sum_k cos(w_k (i - j)):
//   - self:           q reads the code of position i              -> peak at j = i
//   - previous-token: q reads the code rotated by -w_k (a fixed 2x2 rotation per frequency)
//                     = the code of position i - 1               -> peak at j = i - 1
//   - first-token:    q reads the constant pair, aimed at the code of position 0 -> peak at j = 0
import { normal } from '../../src/lib/stats/random.js';
import {
	D_FF, D_HEAD, D_MODEL, DEEPNORM_BETA, DYT_ALPHA, MAX_SEQ, N_LAYERS, PLANTED_HEADS, POS0, POS_FREQS,
	VARIANTS, type HeadRole, type ZooId
} from './config.js';
import { VOCAB } from './vocab.js';

export const BASE_SEED = 20240617;
const POS_AMP = 1.0; // A: amplitude of each positional value
const POS_CONST = 1.0; // C: the constant pair
/** q.k gain of planted heads, per layer (the later layers read a stream with more content in it). */
const PLANT_GAIN = 4;
/** GPT-2's init: projections that write into the residual stream get std / sqrt(2 N). */
const RESID_SCALE = 1 / Math.sqrt(2 * N_LAYERS);

export interface NormWeights {
	gamma: Float32Array; // [D]
	beta: Float32Array | null; // [D]; null for RMSNorm
	alpha: number | null; // DyT's scalar; null otherwise
}

export interface LayerWeights {
	ln1: NormWeights;
	ln2: NormWeights | null; // null in the parallel block (one shared norm)
	wq: Float32Array; wk: Float32Array; wv: Float32Array; wo: Float32Array; // [D, D] as [in, out]
	bq: Float32Array | null; bk: Float32Array | null; bv: Float32Array | null; bo: Float32Array | null; // [D]
	w1: Float32Array; b1: Float32Array | null; // [D, FF], [FF]
	w3: Float32Array | null; // [D, FF]: SwiGLU's second input projection
	w2: Float32Array; b2: Float32Array | null; // [FF, D], [D]
}

export interface ZooWeights {
	wte: Float32Array; // [V, D] token embedding
	wpe: Float32Array; // [MAX_SEQ, D] learned positions
	layers: LayerWeights[];
	lnf: NormWeights | null;
	wu: Float32Array; // [D, V] unembedding (not tied)
}

/** FNV-1a over the name, mixed with the base seed: one independent stream per tensor. */
function seedOf(name: string): number {
	let h = 0x811c9dc5 ^ BASE_SEED;
	for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
	return h >>> 0;
}

function randn(name: string, n: number, std: number, mean = 0): Float32Array {
	const r = normal(seedOf(name));
	const out = new Float32Array(n);
	for (let i = 0; i < n; i++) out[i] = mean + std * r();
	return out;
}

/** Zero the columns >= POS0 of a row-major [rows, D] matrix: writers never touch the positional subspace. */
function zeroPosColumns(w: Float32Array, rows: number): Float32Array {
	for (let r = 0; r < rows; r++) w.fill(0, r * D_MODEL + POS0, (r + 1) * D_MODEL);
	return w;
}

function baseNorm(name: string): { gamma: Float32Array; beta: Float32Array } {
	const gamma = randn(`${name}.gamma`, D_MODEL, 0.1, 1);
	const beta = randn(`${name}.beta`, D_MODEL, 0.02);
	// The positional subspace passes norms unchanged (apart from the per-token scale).
	gamma.fill(1, POS0);
	beta.fill(0, POS0);
	return { gamma, beta };
}

/** Positional code written into dims [POS0, D) for position p. */
export function positionCode(p: number): number[] {
	const code: number[] = [];
	for (const w of POS_FREQS) {
		const c = POS_AMP * Math.cos(w * p);
		const s = POS_AMP * Math.sin(w * p);
		code.push(c, s, -c, -s);
	}
	code.push(POS_CONST, -POS_CONST);
	return code;
}

/**
 * Overwrite head `head`'s query/key columns so it plays `role`. Only positional dims are read;
 * columns 2k and 2k+1 of the head hold frequency k's (cos, sin); the rest of the head is zero.
 */
function plant(wq: Float32Array, wk: Float32Array, head: number, role: HeadRole, gain: number): void {
	const c0 = head * D_HEAD;
	for (let r = 0; r < D_MODEL; r++)
		for (let c = c0; c < c0 + D_HEAD; c++) {
			wq[r * D_MODEL + c] = 0;
			wk[r * D_MODEL + c] = 0;
		}
	const g = Math.sqrt(gain * Math.sqrt(D_HEAD)); // the graph divides q.k by sqrt(d_head)
	const set = (w: Float32Array, row: number, col: number, v: number) => (w[(POS0 + row) * D_MODEL + c0 + col] += v);
	POS_FREQS.forEach((w, k) => {
		const a = 4 * k;
		// key: (cos, sin) of its own position
		set(wk, a, 2 * k, g / 2);
		set(wk, a + 2, 2 * k, -g / 2);
		set(wk, a + 1, 2 * k + 1, g / 2);
		set(wk, a + 3, 2 * k + 1, -g / 2);
		if (role === 'first-token') {
			// query: the constant pair, pointed at position 0's code (cos 0 = 1, sin 0 = 0)
			const cst = 4 * POS_FREQS.length;
			set(wq, cst, 2 * k, g / 2);
			set(wq, cst + 1, 2 * k, -g / 2);
			return;
		}
		// query: R(-w) (cos, sin) for previous-token, identity for self
		const cw = role === 'previous-token' ? Math.cos(w) : 1;
		const sw = role === 'previous-token' ? Math.sin(w) : 0;
		// q_cos = cw * cos + sw * sin ; q_sin = -sw * cos + cw * sin
		set(wq, a, 2 * k, (g / 2) * cw);
		set(wq, a + 2, 2 * k, (-g / 2) * cw);
		set(wq, a + 1, 2 * k, (g / 2) * sw);
		set(wq, a + 3, 2 * k, (-g / 2) * sw);
		set(wq, a, 2 * k + 1, (-g / 2) * sw);
		set(wq, a + 2, 2 * k + 1, (g / 2) * sw);
		set(wq, a + 1, 2 * k + 1, (g / 2) * cw);
		set(wq, a + 3, 2 * k + 1, (-g / 2) * cw);
	});
}

interface BaseLayer {
	ln1: { gamma: Float32Array; beta: Float32Array };
	ln2: { gamma: Float32Array; beta: Float32Array };
	wq: Float32Array; wk: Float32Array; wv: Float32Array; wo: Float32Array;
	bq: Float32Array; bk: Float32Array; bv: Float32Array; bo: Float32Array;
	w1: Float32Array; b1: Float32Array; w3: Float32Array; w2: Float32Array; b2: Float32Array;
}

interface BaseWeights {
	wte: Float32Array;
	wpe: Float32Array;
	layers: BaseLayer[];
	lnf: { gamma: Float32Array; beta: Float32Array };
	wu: Float32Array;
}

let cachedBase: BaseWeights | null = null;

/** The base set every variant shares (computed once; treat as read-only). */
function baseWeights(): BaseWeights {
	if (cachedBase) return cachedBase;
	const V = VOCAB.length;
	const sd = 1 / Math.sqrt(D_MODEL);
	const wte = zeroPosColumns(randn('wte', V * D_MODEL, 1.0), V);
	const wpe = randn('wpe', MAX_SEQ * D_MODEL, 0.1);
	for (let p = 0; p < MAX_SEQ; p++) wpe.set(positionCode(p), p * D_MODEL + POS0);
	const layers: BaseLayer[] = [];
	for (let l = 0; l < N_LAYERS; l++) {
		const n = `layers.${l}`;
		const layer: BaseLayer = {
			ln1: baseNorm(`${n}.ln1`),
			ln2: baseNorm(`${n}.ln2`),
			wq: randn(`${n}.wq`, D_MODEL * D_MODEL, sd),
			wk: randn(`${n}.wk`, D_MODEL * D_MODEL, sd),
			wv: randn(`${n}.wv`, D_MODEL * D_MODEL, sd),
			wo: zeroPosColumns(randn(`${n}.wo`, D_MODEL * D_MODEL, sd * RESID_SCALE), D_MODEL),
			bq: randn(`${n}.bq`, D_MODEL, 0.02),
			bk: randn(`${n}.bk`, D_MODEL, 0.02),
			bv: randn(`${n}.bv`, D_MODEL, 0.02),
			bo: zeroPosColumns(randn(`${n}.bo`, D_MODEL, 0.02), 1),
			w1: randn(`${n}.w1`, D_MODEL * D_FF, sd),
			b1: randn(`${n}.b1`, D_FF, 0.02),
			w3: randn(`${n}.w3`, D_MODEL * D_FF, sd),
			w2: zeroPosColumns(randn(`${n}.w2`, D_FF * D_MODEL, RESID_SCALE / Math.sqrt(D_FF)), D_FF),
			b2: zeroPosColumns(randn(`${n}.b2`, D_MODEL, 0.02), 1)
		};
		for (const p of PLANTED_HEADS.filter((h) => h.layer === l)) {
			plant(layer.wq, layer.wk, p.head, p.role, PLANT_GAIN);
			// Planted heads have no query/key bias: their scores are purely positional.
			layer.bq.fill(0, p.head * D_HEAD, (p.head + 1) * D_HEAD);
			layer.bk.fill(0, p.head * D_HEAD, (p.head + 1) * D_HEAD);
		}
		layers.push(layer);
	}
	cachedBase = {
		wte,
		wpe,
		layers,
		lnf: baseNorm('ln_f'),
		wu: randn('wu', D_MODEL * V, sd)
	};
	return cachedBase;
}

function scaled(w: Float32Array, k: number): Float32Array {
	return w.map((v) => v * k);
}

/**
 * A copy of a [D, D] query/key matrix with the planted heads' columns of layer l scaled by k.
 * DyT's tanh(alpha x) shrinks the positional code by about alpha (no statistics rescale it), so
 * planted heads read it with gain 1/alpha on both query and key.
 */
function plantedGain(w: Float32Array, l: number, k: number): Float32Array {
	const out = w.slice();
	for (const p of PLANTED_HEADS.filter((h) => h.layer === l))
		for (let r = 0; r < D_MODEL; r++)
			for (let c = p.head * D_HEAD; c < (p.head + 1) * D_HEAD; c++) out[r * D_MODEL + c] *= k;
	return out;
}

const cache = new Map<ZooId, ZooWeights>();

/** The weights of one variant, derived from the shared base set. Treat as read-only. */
export function zooWeights(id: ZooId): ZooWeights {
	const hit = cache.get(id);
	if (hit) return hit;
	const info = VARIANTS[id];
	const base = baseWeights();
	const norm = (n: { gamma: Float32Array; beta: Float32Array }): NormWeights => ({
		gamma: n.gamma,
		beta: info.norm === 'rmsnorm' ? null : n.beta,
		alpha: info.norm === 'dyt' ? DYT_ALPHA : null
	});
	const b = <T>(x: T): T | null => (info.bias ? x : null);
	// DeepNorm's beta lives only in the init: smaller value, output and FFN weights.
	const g = id === 'deepnorm' ? DEEPNORM_BETA : 1;
	const layers = base.layers.map(
		(L, l): LayerWeights => ({
			ln1: norm(L.ln1),
			ln2: info.family === 'parallel' ? null : norm(L.ln2),
			wq: info.norm === 'dyt' ? plantedGain(L.wq, l, 1 / DYT_ALPHA) : L.wq,
			wk: info.norm === 'dyt' ? plantedGain(L.wk, l, 1 / DYT_ALPHA) : L.wk,
			wv: g === 1 ? L.wv : scaled(L.wv, g),
			wo: g === 1 ? L.wo : scaled(L.wo, g),
			bq: b(L.bq), bk: b(L.bk), bv: b(L.bv), bo: b(L.bo),
			w1: g === 1 ? L.w1 : scaled(L.w1, g),
			b1: b(L.b1),
			w3: info.mlp === 'swiglu' ? L.w3 : null,
			w2: g === 1 ? L.w2 : scaled(L.w2, g),
			b2: b(L.b2)
		})
	);
	const w: ZooWeights = {
		wte: base.wte,
		wpe: base.wpe,
		layers,
		lnf: info.finalNorm ? norm(base.lnf) : null,
		wu: base.wu
	};
	cache.set(id, w);
	return w;
}
