// Node only: write captured tensors as .npy files plus manifest.json, for checking in NumPy.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DType } from '../../onnx/index.js';
import { encodeNpy, formatManifest, npyDescr } from '../../formats/index.js';
import type { CapturedTensor } from '../../tensor/index.js';

export interface ManifestEntry {
	name: string; // ONNX tensor name
	file: string; // relative to the manifest
	dims: number[];
	dtype: DType; // the true dtype (bfloat16 is stored as uint16 bits)
}

export interface Manifest {
	tensors: ManifestEntry[];
	[key: string]: unknown;
}

export const MANIFEST = 'manifest.json';

/** Tensor names -> distinct, portable file names (case-insensitive filesystems included). */
export function fileNames(names: readonly string[]): string[] {
	const used = new Set<string>([MANIFEST.toLowerCase()]);
	return names.map((name) => {
		const base =
			name
				.replace(/[^A-Za-z0-9._-]+/g, '_')
				.replace(/^[._]+/, '')
				.slice(0, 120) || 'tensor';
		let file = `${base}.npy`;
		for (let k = 2; used.has(file.toLowerCase()); k++) file = `${base}__${k}.npy`;
		used.add(file.toLowerCase());
		return file;
	});
}

/** Writes every tensor and the manifest (with `info` merged at the top); returns the manifest. */
export async function writeDump(dir: string, tensors: Iterable<CapturedTensor>, info: Record<string, unknown> = {}): Promise<Manifest> {
	await mkdir(dir, { recursive: true });
	const all = [...tensors];
	// Tensors .npy cannot hold (strings) are listed as skipped rather than failing the dump.
	const list = all.filter((t) => npyDescr(t.dtype) !== null);
	const skipped = all.filter((t) => npyDescr(t.dtype) === null).map((t) => ({ name: t.name, dtype: t.dtype }));
	const files = fileNames(list.map((t) => t.name));
	const entries: ManifestEntry[] = [];
	for (let i = 0; i < list.length; i++) {
		const t = list[i];
		await writeFile(join(dir, files[i]), encodeNpy(t));
		entries.push({ name: t.name, file: files[i], dims: t.dims, dtype: t.dtype });
	}
	const manifest: Manifest = { ...info, ...(skipped.length ? { skipped } : {}), tensors: entries };
	await writeFile(join(dir, MANIFEST), formatManifest(manifest));
	return manifest;
}
