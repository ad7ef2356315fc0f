// Issue 9: what a figure export's caption says (model, layer, head, backend, input), given once by
// the page (and by each side of the compare view) to every export menu below it.
import { getContext, setContext } from 'svelte';
import type { Caption } from '$lib/viz/figure/file';
import { DEFAULT_TEXT } from '$lib/runtime/inputs';

const KEY = Symbol('blockscope-export-caption');

export type CaptionSource = () => Caption;

export function setExportCaption(source: CaptionSource): void {
	setContext(KEY, source);
}

export function exportCaption(): CaptionSource {
	return getContext<CaptionSource | undefined>(KEY) ?? (() => ({ model: null }));
}

/** The input as the caption says it: the text, else the ids, else the seed. */
export function describeInput(input: { text?: string; ids?: string; seed?: number; seq?: number }, textModel: boolean): string | null {
	if (input.ids) return `ids ${input.ids}`;
	if (textModel) return input.text ?? DEFAULT_TEXT;
	if (input.seed !== undefined || input.seq !== undefined) return [input.seq !== undefined ? `seq ${input.seq}` : null, `seed ${input.seed ?? 0}`].filter(Boolean).join(', ');
	return null;
}
