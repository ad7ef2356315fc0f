// External data, the pure part shared by the CLI and the page: initializers whose bytes live in a
// separate file (data_location = EXTERNAL; `location` relative to the model's folder, as the ONNX
// tools write it). onnxruntime-web takes those files as `externalData: [{ path, data }]`, where
// `path` is the `location` exactly as the model spells it.
import type { Graph } from './graph.js';
import { ModelError, displayName } from './errors.js';
import { isExternal } from './tensor.js';

export interface ExternalRef {
	tensor: string;
	location: string;
	offset: number;
	/** null: to the end of the file. */
	length: number | null;
}

/** Every external tensor with where its bytes are; a location that is missing or unsafe is refused. */
export function externalRefs(graph: Graph): ExternalRef[] {
	const out: ExternalRef[] = [];
	for (const t of [...graph.initializers.values(), ...graph.constants.values()]) {
		if (!isExternal(t)) continue;
		const get = (k: string) => t.externalData.find((e) => e.key === k)?.value;
		const location = get('location');
		if (!location)
			throw new ModelError(`Tensor "${displayName(t.name)}" is marked as external data but names no file (its "location" is missing).`);
		checkLocation(location);
		const offset = sizeField(t.name, 'offset', get('offset')) ?? 0;
		const length = sizeField(t.name, 'length', get('length'));
		out.push({ tensor: t.name, location, offset, length });
	}
	return out;
}

/** The distinct files the model's tensors point to, in first-use order. */
export function externalDataLocations(graph: Graph): string[] {
	return [...new Set(externalRefs(graph).map((r) => r.location))];
}

/**
 * As onnx.checker requires: relative, and inside the model's folder. Anything else could make the
 * CLI read a file the user did not mean to hand over, so it is refused before any file is opened.
 */
export function checkLocation(location: string): void {
	const parts = location.split(/[/\\]+/);
	const unsafe =
		location.startsWith('/') || location.startsWith('\\') || /^[a-zA-Z]:/.test(location) || location.includes('\0') || parts.includes('..');
	if (unsafe)
		throw new ModelError(
			`External data location "${displayName(location)}" points outside the model's folder; refusing to read it.`,
			"External data files must sit in the model's folder (or below it), named by a relative path."
		);
}

/** The file name a user picks for a location ("sub/weights.bin" -> "weights.bin"). */
export function locationFileName(location: string): string {
	const parts = location.split(/[/\\]+/).filter(Boolean);
	return parts[parts.length - 1] ?? location;
}

/** Each tensor's bytes must lie inside its file: a shorter file is truncated or the wrong one. */
export function checkExternalSizes(refs: readonly ExternalRef[], sizes: ReadonlyMap<string, number>): void {
	for (const r of refs) {
		const size = sizes.get(r.location);
		if (size === undefined) continue;
		const end = r.offset + (r.length ?? 0);
		if (r.offset > size || end > size)
			throw new ModelError(
				`External data file "${displayName(r.location)}" is ${size} bytes, but tensor "${displayName(r.tensor)}" needs bytes ${r.offset} to ${end}; the file is truncated or is not the one this model was saved with.`
			);
	}
}

/** For a page where the user picks files: which locations are still missing among the picked names. */
export function missingExternalFiles(graph: Graph, picked: readonly string[]): string[] {
	const have = new Set(picked.map(locationFileName));
	return externalDataLocations(graph).filter((loc) => !have.has(locationFileName(loc)));
}

/** The message for a model whose external data was not given. */
export function missingExternalError(modelName: string, missing: readonly string[], where: 'page' | 'cli'): ModelError {
	const files = missing.map((m) => `"${displayName(m)}"`).join(', ');
	const one = missing.length === 1;
	return new ModelError(
		`${displayName(modelName)} keeps its weights in a separate file${one ? '' : 's'} (external data): ${files}, ${where === 'page' ? (one ? 'which was not given' : 'which were not given') : one ? 'which is not next to it' : 'which are not next to it'}.`,
		where === 'page'
			? `Choose the model and ${one ? 'that file' : 'those files'} together.`
			: `Put ${one ? 'that file' : 'those files'} in the same folder as the model.`
	);
}

function sizeField(tensor: string, key: string, v: string | undefined): number | null {
	if (v === undefined) return null;
	const n = Number(v);
	if (!/^\s*\d+\s*$/.test(v) || !Number.isSafeInteger(n))
		throw new ModelError(`Tensor "${displayName(tensor)}" has an invalid external data ${key} "${displayName(v, 40)}".`);
	return n;
}
