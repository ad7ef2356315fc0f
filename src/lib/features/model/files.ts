// Files the user hands the page, as one model folder: a directory picker's files (each with its
// path inside the folder), several files picked at once (side by side), or a drop of either.
// Nothing is read here: the worker reads only the files the chosen variant needs.
import type { FolderEntry } from '$lib/worker/protocol';

export interface PickedFiles {
	/** The folder's name (a directory's, else the model file's). */
	name: string;
	entries: FolderEntry[];
	/** Side by side, no directories: external data is matched by file name. */
	flat: boolean;
}

/** A picker's files: `webkitRelativePath` ("gpt2/onnx/model.onnx") for a directory, else the name. */
export function pickedFiles(files: readonly File[]): PickedFiles | null {
	if (!files.length) return null;
	const entries = files.map((f) => ({ path: f.webkitRelativePath || f.name, file: f as Blob }));
	return withName(entries);
}

/** Version-control and cache folders are never part of a model (the CLI skips them too). */
const SKIP = new Set(['.git', 'node_modules', '.cache']);

function withName(all: FolderEntry[]): PickedFiles | null {
	const entries = all.filter((e) => !e.path.split('/').some((part) => SKIP.has(part)));
	if (!entries.length) return null;
	const flat = !entries.some((e) => e.path.includes('/'));
	const model = entries.find((e) => /\.onnx$/i.test(e.path));
	const root = entries[0].path.split('/')[0];
	const name = flat ? (model?.path ?? entries[0].path) : entries.every((e) => e.path.startsWith(root + '/')) ? root : 'files';
	return { name, entries, flat };
}

/** A model folder has a few dozen files; past this, it is not one model's folder. */
const MAX_FILES = 5000;

/**
 * The files of a drop, folders walked. The entries must be taken while the drop event runs (the
 * browser empties its DataTransfer afterwards); walking them can then take its time.
 */
export function droppedFiles(dt: DataTransfer): Promise<PickedFiles | null> {
	const roots = [...dt.items].filter((i) => i.kind === 'file').map((i) => i.webkitGetAsEntry?.() ?? null);
	const files = [...dt.files];
	if (!roots.length || roots.some((r) => !r)) return Promise.resolve(pickedFiles(files));
	return walk(roots as FileSystemEntry[]).then(withName);
}

async function walk(roots: FileSystemEntry[]): Promise<FolderEntry[]> {
	const out: FolderEntry[] = [];
	const visit = async (e: FileSystemEntry, prefix: string): Promise<void> => {
		if (out.length > MAX_FILES)
			throw new Error(
				`The drop holds more than ${MAX_FILES} files; this does not look like one model's folder. Drop the folder that holds the model.`
			);
		const path = prefix ? `${prefix}/${e.name}` : e.name;
		if (SKIP.has(e.name)) return;
		if (e.isFile) out.push({ path, file: await fileOf(e as FileSystemFileEntry) });
		else if (e.isDirectory) for (const c of await children(e as FileSystemDirectoryEntry)) await visit(c, path);
	};
	for (const r of roots) await visit(r, '');
	return out;
}

function fileOf(e: FileSystemFileEntry): Promise<File> {
	return new Promise((res, rej) => e.file(res, rej));
}

/** Every entry of a directory (readEntries answers in batches until an empty one). */
async function children(d: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
	const reader = d.createReader();
	const out: FileSystemEntry[] = [];
	for (;;) {
		const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
		if (!batch.length) return out;
		out.push(...batch);
	}
}
