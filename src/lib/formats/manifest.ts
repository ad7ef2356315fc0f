// The manifest.json written beside captured tensors (`--dump DIR`) and inside `.npz` archives.

/** Any manifest: top-level fields, then one row per tensor. */
export interface ManifestLike {
	tensors: readonly unknown[];
	[key: string]: unknown;
}

/** JSON with one line per tensor: readable in a terminal, diffable, still plain JSON. */
export function formatManifest(m: ManifestLike): string {
	const head = Object.entries(m)
		.filter(([k]) => k !== 'tensors')
		.map(([k, v]) => `\t${JSON.stringify(k)}: ${JSON.stringify(v)},\n`)
		.join('');
	const rows = m.tensors.map((t) => `\t\t${JSON.stringify(t)}`).join(',\n');
	return `{\n${head}\t"tensors": [${rows ? `\n${rows}\n\t` : ''}]\n}\n`;
}
