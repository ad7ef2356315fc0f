// Every captured tensor as one NumPy `.npz` archive (a ZIP of `.npy` files, what `numpy.load`
// reads) plus `manifest.json`. Pure, for the page's "Download all" and the CLI's `--npz`.
//
//   import numpy as np, json
//   z = np.load("blockscope.npz"); m = json.loads(z["manifest.json"])
//
// Tensors are keyed by their TransformerLens-style hook name where the analysis recognized them
// (`blocks.0.attn.hook_pattern`) and by their ONNX name made file-safe otherwise
// (`/h.0/mlp/Gelu_output_0` -> `h.0_mlp_Gelu_output_0`); the manifest maps keys, hooks (every
// alias) and ONNX names to each other.
import type { DType } from '../onnx/dtype.js';
import { decodeNpy, npyDescr, npyParts, type NpyArray } from './npy.js';
import type { CapturedTensor } from '../tensor/store.js';
import { formatManifest } from './manifest.js';
import { readZip, writeZip, zipParts, type ZipInput, type ZipOptions } from './zip.js';

export const NPZ_MANIFEST = 'manifest.json';
export const NPZ_FORMAT = 'blockscope.npz';

/** What names the tensors: `Structure` from `analyze()` fits as it is. */
export interface NpzNaming {
	/** ONNX tensor name -> its primary hook name. */
	hooks: ReadonlyMap<string, string>;
	/** Hook name -> ONNX tensor name, every alias (e.g. blocks.1.hook_resid_pre for block 0's output). */
	hookTensors?: ReadonlyMap<string, string>;
}

/** Text about the run, copied into the manifest. Any further field is copied as given. */
export interface NpzMeta {
	/** Zoo id, or the file name of a local model. */
	model?: string | null;
	backend?: string | null;
	/** Capture set: all | semantic | none. */
	capture?: string | null;
	/** The input text, where the model took text. */
	text?: string | null;
	tokens?: readonly string[] | null;
	/** Graph input and output names: tensors without a hook get the role "input" / "output". */
	inputs?: readonly string[];
	outputs?: readonly string[];
	[key: string]: unknown;
}

export interface NpzTensor {
	/** numpy.load's key: the file in the archive without `.npy`. */
	key: string;
	/** Primary TransformerLens-style hook name, or null. */
	hook: string | null;
	/** The other hook names of the same tensor. */
	aliases: string[];
	onnx: string;
	dims: number[];
	/** The true dtype (bfloat16 is stored as its uint16 bits, NumPy has no bfloat16). */
	dtype: DType;
	/** The hook without its block prefix (`attn.hook_pattern`, `ln1.hook_normalized`, `hook_resid_pre`), "input", "output", or null. */
	role: string | null;
	/** Block index from the hook name, or null. */
	layer: number | null;
}

export interface NpzManifest {
	format: typeof NPZ_FORMAT;
	version: 1;
	/** Every hook name (aliases included) -> key. */
	hooks: Record<string, string>;
	/** Tensors `.npy` cannot hold (strings), listed instead of written. */
	skipped?: { onnx: string; dtype: DType; why: string }[];
	tensors: NpzTensor[];
	[key: string]: unknown;
}

export interface Npz {
	manifest: NpzManifest | null;
	/** key -> array, in archive order; bfloat16 restored from the manifest. */
	arrays: Map<string, NpyArray>;
}

/** The longest key in UTF-8 bytes before a uniqueness suffix (file names stay under 255 bytes). */
const MAX_KEY_BYTES = 180;

/** The archive: one `<key>.npy` per tensor in store order, then `manifest.json` (stored; `zip.compress` deflates). */
export function buildNpz(store: Iterable<CapturedTensor>, naming?: NpzNaming | null, meta: NpzMeta = {}, zip: ZipOptions = {}): Uint8Array {
	return writeZip(npzEntries(store, naming ?? null, meta), zip);
}

/** The same archive as parts in file order, for writing to a file without joining them first. */
export function npzParts(
	store: Iterable<CapturedTensor>,
	naming?: NpzNaming | null,
	meta: NpzMeta = {},
	zip: ZipOptions = {}
): Uint8Array[] {
	return zipParts(npzEntries(store, naming ?? null, meta), zip);
}

function npzEntries(store: Iterable<CapturedTensor>, naming: NpzNaming | null, meta: NpzMeta): ZipInput[] {
	const { manifest, tensors } = plan(store, naming, meta);
	// Each file is its header plus a view of the tensor's bytes: no tensor is copied before the archive.
	const entries: ZipInput[] = tensors.map(({ key, tensor }) => ({ name: `${key}.npy`, data: npyParts(tensor) }));
	entries.push({ name: NPZ_MANIFEST, data: new TextEncoder().encode(formatManifest(manifest)) });
	return entries;
}

/** The manifest `buildNpz` writes, without building the archive. */
export function npzManifest(store: Iterable<CapturedTensor>, naming?: NpzNaming | null, meta: NpzMeta = {}): NpzManifest {
	return plan(store, naming ?? null, meta).manifest;
}

/** An `.npz` (ours, `numpy.savez`'s or `savez_compressed`'s) back as arrays, plus our manifest where there is one. */
export function readNpz(bytes: Uint8Array): Npz {
	const arrays = new Map<string, NpyArray>();
	let manifest: NpzManifest | null = null;
	for (const e of readZip(bytes)) {
		if (e.name === NPZ_MANIFEST) manifest = JSON.parse(new TextDecoder().decode(e.data)) as NpzManifest;
		else if (e.name.endsWith('.npy')) arrays.set(e.name.slice(0, -4), decodeNpy(e.data));
	}
	for (const t of manifest?.tensors ?? []) {
		const a = arrays.get(t.key);
		if (a && t.dtype === 'bfloat16' && a.dtype === 'uint16') a.dtype = 'bfloat16';
	}
	return { manifest, arrays };
}

// ---------------------------------------------------------------------------------------------

function plan(
	store: Iterable<CapturedTensor>,
	naming: NpzNaming | null,
	meta: NpzMeta
): { manifest: NpzManifest; tensors: { key: string; tensor: CapturedTensor }[] } {
	const all = [...store];
	const list = all.filter((t) => npyDescr(t.dtype) !== null);
	const skipped = all
		.filter((t) => npyDescr(t.dtype) === null)
		.map((t) => ({ onnx: t.name, dtype: t.dtype, why: `.npy cannot hold ${t.dtype} tensors` }));

	const hookOf = (t: CapturedTensor) => naming?.hooks.get(t.name) ?? null;
	// Keys are taken in three rounds so that names people look for win a clash: first the tensor a
	// hook officially names, then other hooked tensors (a norm's own output behind an Identity
	// shares its hook), then everything by ONNX name.
	const keys = new Array<string>(list.length);
	const used = new Set<string>([NPZ_MANIFEST.toLowerCase()]);
	const take = (i: number, want: string) => {
		let key = want;
		for (let k = 2; used.has(key.toLowerCase()); k++) key = `${want}__${k}`;
		used.add(key.toLowerCase());
		keys[i] = key;
	};
	list.forEach((t, i) => {
		const h = hookOf(t);
		if (h && (naming?.hookTensors?.get(h) ?? t.name) === t.name && !used.has(safeKey(h).toLowerCase())) take(i, safeKey(h));
	});
	list.forEach((t, i) => {
		const h = hookOf(t);
		if (keys[i] === undefined && h && !used.has(safeKey(h).toLowerCase())) take(i, safeKey(h));
	});
	list.forEach((t, i) => {
		if (keys[i] === undefined) take(i, safeKey(t.name));
	});

	const aliases = new Map<string, string[]>(); // onnx name -> every hook naming it
	for (const [hook, onnx] of naming?.hookTensors ?? []) aliases.set(onnx, [...(aliases.get(onnx) ?? []), hook]);
	const inputs = new Set(meta.inputs ?? []);
	const outputs = new Set(meta.outputs ?? []);
	const keyOf = new Map<string, string>();
	const tensors: NpzTensor[] = list.map((t, i) => {
		keyOf.set(t.name, keys[i]);
		const hook = hookOf(t);
		return {
			key: keys[i],
			hook,
			aliases: (aliases.get(t.name) ?? []).filter((a) => a !== hook),
			onnx: t.name,
			dims: [...t.dims],
			dtype: t.dtype,
			role: hook ? hook.replace(/^blocks\.\d+\./, '') : inputs.has(t.name) ? 'input' : outputs.has(t.name) ? 'output' : null,
			layer: hook ? layerOf(hook) : null
		};
	});
	// The tensor a hook officially names first; a tensor that only shares the hook where that one
	// was not captured.
	const hooks: Record<string, string> = {};
	for (const [hook, onnx] of naming?.hookTensors ?? []) {
		const key = keyOf.get(onnx);
		if (key) hooks[hook] = key;
	}
	for (const t of tensors) if (t.hook) hooks[t.hook] ??= t.key;

	const { model, backend, capture, text, tokens, inputs: _i, outputs: _o, ...extra } = meta;
	const manifest: NpzManifest = {
		format: NPZ_FORMAT,
		version: 1,
		model: model ?? null,
		backend: backend ?? null,
		capture: capture ?? null,
		text: text ?? null,
		tokens: tokens ? [...tokens] : null,
		inputs: meta.inputs ? [...meta.inputs] : null,
		outputs: meta.outputs ? [...meta.outputs] : null,
		...extra,
		hooks,
		...(skipped.length ? { skipped } : {}),
		tensors
	};
	return { manifest, tensors: list.map((tensor, i) => ({ key: keys[i], tensor })) };
}

function layerOf(hook: string): number | null {
	const m = /^blocks\.(\d+)\./.exec(hook);
	return m ? Number(m[1]) : null;
}

/**
 * A name as a portable file name and `numpy.load` key: letters, digits, '.', '_' and '-' only (no
 * '/', '\', control characters or spaces), no '..', no leading '.', '-' or '_', no trailing '.', not
 * a Windows device name, at most MAX_KEY_BYTES of UTF-8. Never empty.
 */
export function safeKey(name: string): string {
	let s = name
		.replace(/[^\p{L}\p{N}._-]+/gu, '_')
		.replace(/\.{2,}/g, '.')
		.replace(/^[._-]+/, '')
		.replace(/\.+$/, '');
	const enc = new TextEncoder();
	if (enc.encode(s).byteLength > MAX_KEY_BYTES) {
		const cps = [...s];
		while (enc.encode(cps.join('')).byteLength > MAX_KEY_BYTES) cps.pop();
		s = cps.join('').replace(/\.+$/, '');
	}
	if (/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(s)) s = `t_${s}`;
	return s || 'tensor';
}
