// A model folder as a list of files, the same in Node (a directory walk) and in the browser (a
// directory picker's or a drop's File objects): a relative path, a size, and a way to read it.

export interface FolderFile {
	/** Relative to the folder, "/"-separated: "onnx/model.onnx", "tokenizer.json". */
	path: string;
	size: number;
	read(): Promise<Uint8Array>;
}

/** "a\\b//c.onnx" -> "a/b/c.onnx" (Windows separators and doubled slashes). */
export function normPath(p: string): string {
	return p
		.replace(/\\/g, '/')
		.replace(/\/{2,}/g, '/')
		.replace(/^\.\//, '')
		.replace(/^\//, '');
}

export function dirOf(path: string): string {
	const i = path.lastIndexOf('/');
	return i < 0 ? '' : path.slice(0, i);
}

export function baseName(path: string): string {
	return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(dir: string, rel: string): string {
	return normPath(dir ? `${dir}/${rel}` : rel);
}

/**
 * The first file named `name` in `dir` or a folder above it (the folder's root last):
 * onnx/model.onnx finds tokenizer.json beside it or at the root, as Hugging Face repos lay them out.
 */
export function findUp(files: readonly FolderFile[], dir: string, name: string): FolderFile | null {
	const byPath = new Map(files.map((f) => [f.path, f]));
	for (let d = dir; ; d = dirOf(d)) {
		const hit = byPath.get(joinPath(d, name));
		if (hit) return hit;
		if (!d) return null;
	}
}

/**
 * When every path starts with the same folder (a picked directory's name, "gpt2/onnx/..."), that
 * folder is the root: strip it so paths read as inside the model folder.
 */
export function stripCommonRoot(files: FolderFile[]): FolderFile[] {
	if (files.length === 0) return files;
	const first = files[0].path.split('/')[0];
	if (!files.every((f) => f.path.startsWith(first + '/'))) return files;
	return files.map((f) => ({ ...f, path: f.path.slice(first.length + 1) }));
}
