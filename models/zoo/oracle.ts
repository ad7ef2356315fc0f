// The zoo's independent oracle and its public API.
//
// oracleTensors() runs forward.ts (plain TypeScript, float64, no ONNX and no ORT) and labels each
// intermediate with the ONNX tensor name the generator gave that same quantity. zooTensorNames()
// is the ground truth for recognition: per layer, which tensor is what, in issue 3's CLI shapes.
import { N_HEADS, N_LAYERS, VARIANTS, type Family, type NormKind, type ZooId } from './config.js';
import { buildZoo, type ZooBuild } from './builder.js';
import { forward } from './forward.js';
import { spellingLabel, spellingOf, type Spelling } from './spelling.js';
import { tokenize } from './vocab.js';

export { ZOO_IDS, DEFAULT_ZOO_ID, VARIANTS, isZooId } from './config.js';
export type { ZooId, Family, NormKind } from './config.js';
export { VOCAB, tokenize } from './vocab.js';
export { buildZoo, buildZooModel, zooMetadata } from './builder.js';
export { DEFAULT_SPELLING, SPELLINGS, spellingOf, spellingLabel } from './spelling.js';
export type { Spelling } from './spelling.js';

export interface OracleTensor {
	dims: number[];
	data: Float32Array; // rounded once, for comparing with float32 captures
	data64: Float64Array; // what the oracle computed
}

const builds = new Map<string, ZooBuild>();

/** buildZoo, memoized per (id, spelling): tests ask for names and the model many times. */
export function zooBuild(id: ZooId, spelling?: Partial<Spelling>): ZooBuild {
	const k = `${id}|${spellingLabel(spelling)}`;
	let b = builds.get(k);
	if (!b) builds.set(k, (b = buildZoo(id, spelling)));
	return b;
}

/**
 * Every intermediate the generator names, computed by the oracle, keyed by ONNX tensor name.
 * `input` is text (tokenized with the zoo vocabulary) or token ids; at most 64 tokens.
 */
export function oracleTensors(id: ZooId, input: string | readonly number[], spelling?: Partial<Spelling>): Map<string, OracleTensor> {
	const tokens = typeof input === 'string' ? tokenize(input) : input;
	if (tokens.length < 1 || tokens.length > 64) throw new Error(`The zoo runs 1 to 64 tokens, got ${tokens.length}.`);
	const { names } = zooBuild(id, spelling);
	const { tensors } = forward(id, tokens, spellingOf(spelling));
	const out = new Map<string, OracleTensor>();
	for (const [key, t] of tensors) {
		const name = names.get(key);
		if (!name) throw new Error(`Oracle tensor "${key}" has no ONNX name in ${id} (${spellingLabel(spelling)}).`);
		out.set(name, { dims: t.dims, data: Float32Array.from(t.data), data64: t.data });
	}
	return out;
}

export interface NormEntry {
	kind: NormKind;
	form: 'fused' | 'decomposed';
	input: string;
	output: string;
	placement: 'pre' | 'post';
	sublayer: 'attn' | 'mlp' | 'both';
}

export interface ResidualEntry {
	output: string; // the Add's output
	stream: string; // the Add's input that carries the stream (DeepNorm: the alpha-scaled stream)
	branch: string; // the Add's input that carries the sub-layer's output
	sublayer: 'attn' | 'mlp' | 'both';
}

export interface ZooLayerNames {
	resid_pre: string;
	ln1: { input: string; output: string } | null; // the norm of the attention sub-layer (parallel: the shared one)
	attention: { pattern: string; heads: number; masked: boolean };
	pattern: string;
	attn_out: string;
	resid_mid: string | null; // null in the parallel block
	ln2: { input: string; output: string } | null;
	mlp_out: string;
	resid_post: string;
	norms: NormEntry[];
	residuals: ResidualEntry[];
	/** every named tensor of the layer by short key (q, k, v, qk, scores, masked, z, mlp_act, ...) */
	tensors: Record<string, string>;
}

export interface ZooTensorNames {
	variant: Family;
	embed: string;
	layers: ZooLayerNames[];
	final_norm: NormEntry | null; // placement "post" (after the last block), sublayer "both"
	logits: string;
}

/** Ground truth for recognition, in issue 3's CLI contract shapes. */
export function zooTensorNames(id: ZooId, spelling?: Partial<Spelling>): ZooTensorNames {
	const info = VARIANTS[id];
	const { names, spelling: s } = zooBuild(id, spelling);
	const n = (key: string): string => {
		const v = names.get(key);
		if (!v) throw new Error(`No tensor named for "${key}" in ${id}.`);
		return v;
	};
	const form: NormEntry['form'] = info.norm === 'dyt' ? 'decomposed' : s.norm;
	const layers: ZooLayerNames[] = [];
	for (let l = 0; l < N_LAYERS; l++) {
		const k = (x: string) => n(`L${l}.${x}`);
		const tensors: Record<string, string> = {};
		for (const [key, name] of names) if (key.startsWith(`L${l}.`)) tensors[key.slice(`L${l}.`.length)] = name;
		const normEntry = (input: string, output: string, placement: NormEntry['placement'], sublayer: NormEntry['sublayer']): NormEntry => ({
			kind: info.norm,
			form,
			input,
			output,
			placement,
			sublayer
		});
		const res = (output: string, stream: string, branch: string, sublayer: ResidualEntry['sublayer']): ResidualEntry => ({
			output,
			stream,
			branch,
			sublayer
		});
		const base = {
			resid_pre: k('resid_pre'),
			attention: { pattern: k('pattern'), heads: N_HEADS, masked: true },
			pattern: k('pattern'),
			attn_out: k('attn_out'),
			mlp_out: k('mlp_out'),
			resid_post: k('resid_post'),
			tensors
		};
		switch (info.family) {
			case 'pre-norm':
			case 'dyt': {
				const ln1 = { input: k('resid_pre'), output: k('ln1') };
				const ln2 = { input: k('resid_mid'), output: k('ln2') };
				layers.push({
					...base,
					ln1,
					ln2,
					resid_mid: k('resid_mid'),
					norms: [normEntry(ln1.input, ln1.output, 'pre', 'attn'), normEntry(ln2.input, ln2.output, 'pre', 'mlp')],
					residuals: [res(k('resid_mid'), k('resid_pre'), k('attn_out'), 'attn'), res(k('resid_post'), k('resid_mid'), k('mlp_out'), 'mlp')]
				});
				break;
			}
			case 'post-norm':
			case 'deepnorm': {
				const ln1 = { input: k('attn_add'), output: k('resid_mid') };
				const ln2 = { input: k('mlp_add'), output: k('resid_post') };
				const deep = info.family === 'deepnorm';
				layers.push({
					...base,
					ln1,
					ln2,
					resid_mid: k('resid_mid'),
					norms: [normEntry(ln1.input, ln1.output, 'post', 'attn'), normEntry(ln2.input, ln2.output, 'post', 'mlp')],
					residuals: [
						res(k('attn_add'), deep ? k('attn_scaled') : k('resid_pre'), k('attn_out'), 'attn'),
						res(k('mlp_add'), deep ? k('mlp_scaled') : k('resid_mid'), k('mlp_out'), 'mlp')
					]
				});
				break;
			}
			case 'parallel': {
				const ln1 = { input: k('resid_pre'), output: k('ln1') };
				layers.push({
					...base,
					ln1,
					ln2: null,
					resid_mid: null,
					norms: [normEntry(ln1.input, ln1.output, 'pre', 'both')],
					residuals: [res(k('resid_post'), k('resid_pre'), k('branch'), 'both')]
				});
				break;
			}
		}
	}
	const final_norm: NormEntry | null = info.finalNorm
		? { kind: info.norm, form, input: layers[N_LAYERS - 1].resid_post, output: n('ln_f'), placement: 'post', sublayer: 'both' }
		: null;
	return { variant: info.family, embed: n('embed'), layers, final_norm, logits: n('logits') };
}
