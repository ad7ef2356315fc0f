// What a figure export's caption says (model, layer, head, backend, input), given once by the page
// (and by each side of the compare view) to every export menu below it.
import { getContext, setContext } from 'svelte';
import type { Caption } from '$lib/viz/figure/file';

const KEY = Symbol('blockscope-export-caption');

export type CaptionSource = () => Caption;

export function setExportCaption(source: CaptionSource): void {
	setContext(KEY, source);
}

export function exportCaption(): CaptionSource {
	return getContext<CaptionSource | undefined>(KEY) ?? (() => ({ model: null }));
}
