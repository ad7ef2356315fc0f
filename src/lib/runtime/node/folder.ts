// Node only: a model folder on disk as FolderFile entries (model-folder/ decides what they are).
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { FolderFile } from '../../model-folder/files.js';
import { ModelError } from '../../onnx/errors.js';
import { fileError } from './model-file.js';

const MAX_FILES = 5000;
const SKIP = new Set(['.git', 'node_modules', '.cache']);

export async function isDirectory(path: string): Promise<boolean> {
	return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

/** Every file under `dir` (hidden version-control and cache folders skipped), sizes from stat. */
export async function listFolder(dir: string): Promise<FolderFile[]> {
	const out: FolderFile[] = [];
	const walk = async (d: string): Promise<void> => {
		const entries = await readdir(d, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
			throw fileError(d, e);
		});
		for (const e of entries) {
			if (SKIP.has(e.name)) continue;
			const full = join(d, e.name);
			if (e.isDirectory()) await walk(full);
			else if (e.isFile()) {
				if (out.length >= MAX_FILES)
					throw new ModelError(
						`${dir} holds more than ${MAX_FILES} files; this does not look like one model's folder.`,
						'Give the folder that holds the model (or the .onnx file itself).'
					);
				const size = (await stat(full)).size;
				out.push({ path: relative(dir, full).split(sep).join('/'), size, read: async () => new Uint8Array(await readFile(full)) });
			}
		}
	};
	await walk(dir);
	return out;
}
