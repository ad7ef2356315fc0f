// A model picked from disk as the worker opens it: refused from its size alone, before a byte is
// read (the CLI's budget, browser flavour); the worker then streams what the variant needs.
import { pickFolder } from '$lib/worker/folder';
import type { ModelSource } from '$lib/worker/protocol';
import { checkModelSize, type Budget } from '$lib/runtime/limits';
import type { PickedFiles } from './files';

export function folderSource(f: PickedFiles, variant: string | null, budget: Budget): ModelSource {
	const src: ModelSource = { kind: 'folder', name: f.name, files: f.entries, variant, flat: f.flat };
	const p = pickFolder(src);
	checkModelSize({ name: p.name, bytes: p.folder.variant.size, externalBytes: p.sideBytes }, budget);
	return src;
}
