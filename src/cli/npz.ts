// `inspect --npz FILE [--compress]`: the archive the page's "Download all" makes (src/lib/formats/npz.ts).
import { access, constants, open, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { analyze, type Structure } from '../lib/analysis/index.js';
import { npyDescr, npzParts } from '../lib/formats/index.js';
import { UsageError } from './errors.js';
import type { InspectResult } from './run.js';

/** Fails early (before the model runs) where FILE cannot be written; leaves an existing file alone. */
export async function checkNpzPath(file: string): Promise<void> {
	const st = await stat(file).catch(() => null);
	if (st?.isDirectory()) throw new UsageError(`--npz ${file}: is a folder, expected a file name`);
	const target = st ? file : dirname(resolve(file));
	await access(target, constants.W_OK).catch((e: NodeJS.ErrnoException) => {
		throw new UsageError(`--npz ${file}: cannot write there (${why(e, st ? null : target)})`);
	});
}

/** Writes the archive part by part (never joined into one buffer); returns what it wrote. */
export async function writeNpzFile(
	file: string,
	r: InspectResult,
	text?: string,
	compress = false
): Promise<{ tensors: number; bytes: number }> {
	const parts = npzParts(
		r.store,
		structureOf(r),
		{
			model: r.path,
			backend: r.backend,
			capture: r.capture,
			text: text ?? null,
			tokens: r.tokens,
			inputs: r.graph.inputs.map((i) => i.name),
			outputs: r.graph.outputs.map((o) => o.name)
		},
		{ compress }
	);
	let bytes = 0;
	try {
		const fh = await open(file, 'w');
		try {
			for (const p of parts) bytes += (await fh.write(p)).bytesWritten;
		} finally {
			await fh.close();
		}
	} catch (e) {
		throw new UsageError(`--npz ${file}: cannot write there (${why(e as NodeJS.ErrnoException, null)})`);
	}
	let tensors = 0;
	for (const t of r.store) if (npyDescr(t.dtype) !== null) tensors++;
	return { tensors, bytes };
}

/** The analysis the run already did where the result carries it, else done here (names only). */
function structureOf(r: InspectResult): Structure | null {
	const kept = (r.recognition as { structure?: Structure | null }).structure;
	if (kept !== undefined) return kept;
	try {
		return analyze(r.graph);
	} catch {
		return null;
	}
}

function why(e: NodeJS.ErrnoException, folder: string | null): string {
	if (e.code === 'ENOENT') return folder ? `the folder ${folder} does not exist` : 'no such folder';
	if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
	if (e.code === 'EROFS') return 'read-only file system';
	if (e.code === 'ENOTDIR') return 'a part of the path is not a folder';
	return e.code ?? e.message;
}
