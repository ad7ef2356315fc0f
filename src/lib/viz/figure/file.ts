// What every export shares: the caption line (model, layer, head, backend, input text), file names
// that are safe on any system, and the download itself (a real browser download of a Blob).
import { inert } from '../../onnx/errors.js';

export interface Caption {
	/** Zoo id or file name of the model. */
	model: string | null;
	layer?: number | null;
	head?: number | null;
	/** "WebGPU" / "WASM". */
	backend?: string | null;
	/** The input text, or how the inputs were made ("ids 1,2,3", "seed 0"). */
	input?: string | null;
	/** What the figure shows, when the figure itself does not say it (e.g. a tensor name). */
	subject?: string | null;
}

/** The caption's two parts: "model · layer L · head H · backend" and the input, each inert (model strings are hostile). */
export function captionParts(c: Caption): string[] {
	const meta = [
		c.model ? inert(c.model) : 'model',
		c.subject ? inert(c.subject) : null,
		c.layer != null ? `layer ${c.layer}` : null,
		c.head != null ? `head ${c.head}` : null,
		c.backend ?? null
	]
		.filter((x): x is string => !!x)
		.join(' · ');
	return c.input != null ? [meta, `input: “${inert(c.input)}”`] : [meta];
}

/** The whole caption on one line (SVG <title>, PNG metadata). */
export function captionText(c: Caption): string {
	return captionParts(c).join(' · ');
}

/** The caption as at most `maxLines` lines of at most `maxChars` characters: joined when it fits, else one part per line, clipped with "…". */
export function captionLines(parts: readonly string[], maxChars: number, maxLines = 2): string[] {
	const n = Math.max(8, Math.floor(maxChars));
	const clip = (s: string) => {
		const cs = [...s];
		return cs.length > n ? cs.slice(0, n - 1).join('') + '…' : s;
	};
	const one = parts.join(' · ');
	if ([...one].length <= n || maxLines < 2) return [clip(one)];
	const lines = parts.slice(0, maxLines).map(clip);
	if (parts.length > maxLines) lines[maxLines - 1] = clip(parts.slice(maxLines - 1).join(' · '));
	return lines;
}

/** A file name from parts: letters, digits, '.', '_' and '-' only, joined by '-', at most 120 characters before the extension. */
export function fileName(parts: readonly (string | number | null | undefined)[], ext: string): string {
	const stem = parts
		.filter((p) => p !== null && p !== undefined && p !== '')
		.map((p) =>
			String(p)
				.replace(/\.onnx$/i, '')
				.replace(/[^\p{L}\p{N}._-]+/gu, '_')
				.replace(/^[._-]+|[._-]+$/g, '')
		)
		.filter(Boolean)
		.join('-')
		.slice(0, 120)
		.replace(/[._-]+$/, '');
	return `${stem || 'blockscope'}.${ext}`;
}

/** Starts a download of `blob` as `name` (an <a download> on an object URL, revoked once the browser has it). */
export function saveBlob(blob: Blob, name: string): void {
	const url = URL.createObjectURL(blob);
	const a = document.createElement('a');
	a.href = url;
	a.download = name;
	a.rel = 'noopener';
	a.style.display = 'none';
	document.body.appendChild(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Bytes as a Blob part (a typed array over its own ArrayBuffer, as Blob's types want). */
export function blobPart(b: Uint8Array): BlobPart {
	return b as Uint8Array<ArrayBuffer>;
}
