// The zoo's weights: trained by models/train/ (torch, `npm run train`) and committed as
// models/weights/<id>.bin (float32 little-endian, tensors back to back) + <id>.json (each
// tensor's ONNX initializer name, dims and byte offset; the .bin's sha256; the training record).
// Reading them needs no torch: `npm run models` and the oracle both start here.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { D_FF, D_MODEL, MAX_SEQ, N_LAYERS, VARIANTS, type ZooId } from './config.js';
import { VOCAB } from './vocab.js';

export interface NormWeights {
	gamma: Float32Array; // [D]
	beta: Float32Array | null; // [D]; null for RMSNorm
	alpha: number | null; // DyT's learned scalar; null otherwise
}

export interface LayerWeights {
	ln1: NormWeights;
	ln2: NormWeights | null; // null in the parallel block (one shared norm)
	wq: Float32Array;
	wk: Float32Array;
	wv: Float32Array;
	wo: Float32Array; // [D, D] as [in, out]
	bq: Float32Array | null;
	bk: Float32Array | null;
	bv: Float32Array | null;
	bo: Float32Array | null; // [D]
	w1: Float32Array;
	b1: Float32Array | null; // [D, FF], [FF]
	w3: Float32Array | null; // [D, FF]: SwiGLU's second input projection
	w2: Float32Array;
	b2: Float32Array | null; // [FF, D], [D]
}

export interface ZooWeights {
	wte: Float32Array; // [V, D] token embedding
	wpe: Float32Array; // [MAX_SEQ, D] learned positions
	layers: LayerWeights[];
	lnf: NormWeights | null;
	wu: Float32Array; // [D, V] unembedding (not tied)
}

export interface TrainingCheck {
	text: string; // 64 held-out characters
	next: string; // the character after them
	nll: number[]; // torch's loss (nats) at every position
	logits: Record<string, number[]>; // torch's float32 logits at a few positions
}

export interface WeightIndex {
	variant: string;
	bytes: number;
	sha256: string;
	tensors: { name: string; dims: number[]; offset: number }[];
	text: { path: string; sha256: string; train_chars: number; heldout_chars: number };
	schedule: Record<string, number | string>;
	final: { train: number; heldout: number; seconds: number };
	curve: { step: number; train: number; heldout: number }[];
	check: TrainingCheck;
}

const dir = new URL('../weights/', import.meta.url);

/** models/weights/<id>.json, as torch wrote it. */
export function weightIndex(id: ZooId): WeightIndex {
	return JSON.parse(readFileSync(new URL(`${id}.json`, dir), 'utf8')) as WeightIndex;
}

/** Every tensor of <id>.bin by name; refuses a file whose size or sha256 is not the index's. */
function readTensors(id: ZooId): Map<string, Float32Array> {
	const index = weightIndex(id);
	const bin = readFileSync(new URL(`${id}.bin`, dir));
	const digest = createHash('sha256').update(bin).digest('hex');
	if (bin.byteLength !== index.bytes || digest !== index.sha256)
		throw new Error(`models/weights/${id}.bin does not match ${id}.json (${bin.byteLength} bytes, sha256 ${digest}).`);
	const out = new Map<string, Float32Array>();
	for (const t of index.tensors) {
		const n = t.dims.reduce((a, b) => a * b, 1);
		const data = new Float32Array(n);
		const view = new DataView(bin.buffer, bin.byteOffset + t.offset, 4 * n);
		for (let i = 0; i < n; i++) data[i] = view.getFloat32(4 * i, true); // little-endian whatever the host
		out.set(t.name, data);
	}
	return out;
}

const cache = new Map<ZooId, ZooWeights>();

/** The trained weights of one variant. Treat as read-only. */
export function zooWeights(id: ZooId): ZooWeights {
	const hit = cache.get(id);
	if (hit) return hit;
	const info = VARIANTS[id];
	const tensors = readTensors(id);
	const used = new Set<string>();
	const get = (name: string, size: number): Float32Array => {
		const t = tensors.get(name);
		if (!t || t.length !== size)
			throw new Error(`models/weights/${id}: "${name}" is ${t ? `${t.length} values, not ${size}` : 'missing'}.`);
		used.add(name);
		return t;
	};
	const opt = (name: string, size: number, present: boolean) => (present ? get(name, size) : null);
	const norm = (p: string): NormWeights => ({
		gamma: get(`${p}.gamma`, D_MODEL),
		beta: opt(`${p}.beta`, D_MODEL, info.norm !== 'rmsnorm'),
		alpha: info.norm === 'dyt' ? get(`${p}.alpha`, 1)[0] : null
	});
	const b = info.bias;
	const layers = Array.from({ length: N_LAYERS }, (_, l): LayerWeights => {
		const p = `layer${l}`;
		const lin = (m: string, n: number) => get(`${p}.${m}.weight`, n);
		return {
			ln1: norm(`${p}.ln1`),
			ln2: info.family === 'parallel' ? null : norm(`${p}.ln2`),
			wq: lin('attn.q', D_MODEL * D_MODEL),
			wk: lin('attn.k', D_MODEL * D_MODEL),
			wv: lin('attn.v', D_MODEL * D_MODEL),
			wo: lin('attn.o', D_MODEL * D_MODEL),
			bq: opt(`${p}.attn.q.bias`, D_MODEL, b),
			bk: opt(`${p}.attn.k.bias`, D_MODEL, b),
			bv: opt(`${p}.attn.v.bias`, D_MODEL, b),
			bo: opt(`${p}.attn.o.bias`, D_MODEL, b),
			w1: lin('mlp.w1', D_MODEL * D_FF),
			b1: opt(`${p}.mlp.w1.bias`, D_FF, b),
			w3: info.mlp === 'swiglu' ? lin('mlp.w3', D_MODEL * D_FF) : null,
			w2: lin('mlp.w2', D_FF * D_MODEL),
			b2: opt(`${p}.mlp.w2.bias`, D_MODEL, b)
		};
	});
	const w: ZooWeights = {
		wte: get('embed.wte', VOCAB.length * D_MODEL),
		wpe: get('embed.wpe', MAX_SEQ * D_MODEL),
		layers,
		lnf: info.finalNorm ? norm('ln_f') : null,
		wu: get('unembed.weight', D_MODEL * VOCAB.length)
	};
	const extra = [...tensors.keys()].filter((n) => !used.has(n));
	if (extra.length) throw new Error(`models/weights/${id} has tensors the ${id} block does not use: ${extra.join(', ')}.`);
	cache.set(id, w);
	return w;
}
