// What to open from a model folder: the variant (by name or the default), the files its external
// data names (relative to the model's own folder, as the ONNX tools write them), and the
// tokenizer.json / tokenizer_config.json / config.json found beside it or above it.
import { ModelError, displayName } from '../onnx/errors.js';
import type { Graph } from '../onnx/graph.js';
import { externalDataLocations, externalRefs, checkExternalSizes } from '../onnx/external.js';
import { dirOf, findUp, joinPath, normPath, stripCommonRoot, type FolderFile } from './files.js';
import { chooseVariant, hasDefault, listVariants, type Variant } from './variants.js';

export interface ModelFolder {
	files: FolderFile[];
	variants: Variant[];
	variant: Variant;
	tokenizer: FolderFile | null;
	tokenizerConfig: FolderFile | null;
	config: FolderFile | null;
}

/** Pick the variant and its companions; a folder without an .onnx file, or an unknown variant, is refused by name. */
export function openFolder(input: readonly FolderFile[], wanted?: string | null): ModelFolder {
	const files = stripCommonRoot(input.map((f) => ({ ...f, path: normPath(f.path) })));
	const variants = listVariants(files);
	if (!variants.length)
		throw new ModelError(
			`No .onnx model in the ${files.length} file${files.length === 1 ? '' : 's'} given${
				files.length
					? ` (${files
							.slice(0, 4)
							.map((f) => displayName(f.path, 40))
							.join(', ')}${files.length > 4 ? ', ...' : ''})`
					: ''
			}.`,
			'Open the folder that holds the model (Hugging Face layout: onnx/model.onnx, tokenizer.json, config.json).'
		);
	if (!wanted && !hasDefault(variants))
		throw new ModelError(
			`This directory holds ${variants.length} .onnx models and none is a plain model.onnx to open by default (${variants
				.slice(0, 6)
				.map((v) => v.name)
				.join(', ')}${variants.length > 6 ? ', ...' : ''}).`,
			'Name one: --variant NAME (or ?variant=NAME), or give the .onnx file itself.'
		);
	const variant = chooseVariant(variants, wanted);
	if (!variant)
		throw new ModelError(
			`This folder has no variant "${displayName(wanted ?? '', 60)}"; it has ${variants.map((v) => v.name).join(', ')}.`,
			'Choose one of those names (--variant NAME, ?variant=NAME).'
		);
	const dir = dirOf(variant.path);
	return {
		files,
		variants,
		variant,
		tokenizer: findUp(files, dir, 'tokenizer.json'),
		tokenizerConfig: findUp(files, dir, 'tokenizer_config.json'),
		config: findUp(files, dir, 'config.json')
	};
}

/**
 * The files the model's external data names, matched by path relative to the model's folder
 * (several files allowed). Missing ones are named together in one message.
 */
export function externalFiles(folder: Pick<ModelFolder, 'files' | 'variant'>, graph: Graph): { location: string; file: FolderFile }[] {
	const locations = externalDataLocations(graph);
	if (!locations.length) return [];
	const dir = dirOf(folder.variant.path);
	const byPath = new Map(folder.files.map((f) => [f.path, f]));
	const found = locations.map((location) => ({ location, file: byPath.get(joinPath(dir, location)) ?? null }));
	const missing = found.filter((x) => !x.file).map((x) => joinPath(dir, x.location));
	if (missing.length)
		throw new ModelError(
			`${displayName(folder.variant.path)} keeps its weights in ${missing.length === 1 ? 'a separate file' : 'separate files'}: ${missing.map((m) => `"${displayName(m)}"`).join(', ')}, not in this folder.`,
			`Add ${missing.length === 1 ? 'that file' : 'those files'} to the folder (or download them with the model).`
		);
	checkExternalSizes(externalRefs(graph), new Map(found.map((x) => [x.location, x.file!.size])));
	return found.map((x) => ({ location: x.location, file: x.file! }));
}
