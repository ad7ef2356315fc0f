// Tensors out of the page, pure: one captured tensor as `.npy`, every captured tensor as the `.npz`
// the inspect CLI's `--npz` writes (same keys: hook names where recognized, ONNX names otherwise;
// same manifest), from what the page holds (the worker's result and its structure).
import { buildNpz, encodeNpy, npyDescr, safeKey, type NpzMeta, type NpzNaming } from '../../formats/index.js';
import type { CapturedTensor } from '../../tensor/index.js';
import { hooksByTensor, type ResultMessage, type StructureInfo } from '../../worker/index.js';
import { fileName } from '../../viz/figure/file.js';

/** Hook names from the page's structure: each tensor's own hook, and every alias where the worker sent them. */
export function npzNaming(r: Pick<ResultMessage, 'tensors'>, s: Pick<StructureInfo, 'roles' | 'hookTensors'> | null): NpzNaming {
	return { hooks: hooksByTensor(r.tensors, s?.roles), hookTensors: s?.hookTensors ? new Map(s.hookTensors) : undefined };
}

export interface PageRun {
	result: ResultMessage;
	structure: StructureInfo | null;
	/** Zoo id, or the local file's name. */
	model: string | null;
}

/** The manifest's text about the run, as the CLI writes it (model is the zoo id or file name here). */
export function npzMeta(p: PageRun): NpzMeta {
	const r = p.result;
	const meta: NpzMeta = {
		model: p.model ?? r.model.name,
		backend: r.backend,
		capture: r.captureSet,
		text: r.input.text ?? null,
		tokens: r.tokens,
		inputs: r.model.inputs.map((i) => i.name),
		outputs: r.model.outputs.map((o) => o.name)
	};
	// Selective capture (a model over the memory budget): the page holds one layer's
	// tensors plus every layer's residual stream, and the archive says so.
	const c = r.capture;
	if (c?.mode === 'selective')
		Object.assign(meta, {
			capture_mode: 'selective',
			capture_layer: c.layer,
			capture_note: `selective capture: layer ${c.layer === null ? '?' : `${c.layer + 1} (blocks.${c.layer})`}'s tensors and every layer's residual stream (the model's full capture is over the memory budget)`
		});
	return meta;
}

/** Selective capture: the layer the page holds tensors of (null: it holds every captured tensor). */
export function selectiveLayer(r: Pick<ResultMessage, 'capture'>): number | null {
	return r.capture?.mode === 'selective' ? r.capture.layer : null;
}

/** Every captured tensor as one `.npz` (plus manifest.json). */
export function pageNpz(p: PageRun): Uint8Array {
	return buildNpz(p.result.tensors, npzNaming(p.result, p.structure), npzMeta(p));
}

/** Can this tensor go out as `.npy`? (strings cannot) */
export function npyWritable(t: CapturedTensor): boolean {
	return npyDescr(t.dtype) !== null;
}

/** One tensor as `.npy` (dims and dtype kept; float16 as its bits '<f2', bfloat16 as '<u2'). */
export function tensorNpy(t: CapturedTensor): Uint8Array {
	return encodeNpy({ dims: t.dims, dtype: t.dtype, data: t.data });
}

/** "<model>-<hook or ONNX name>.npy", the key `.npz` would use for it. */
export function npyName(model: string | null, t: CapturedTensor, hook: string | null): string {
	return fileName([model, safeKey(hook ?? t.name)], 'npy');
}
