// Token ids as text for the lens and attribution: the zoo's vocabulary from the model's metadata
// when it has one (shown as text, never as HTML), the id otherwise.
import type { ModelSummary } from '$lib/worker/protocol';
import { displayToken } from '$lib/viz/labels';

export function tokenText(model: ModelSummary | null | undefined): (id: number) => string {
	let vocab: unknown;
	try {
		vocab = JSON.parse(model?.metadata['blockscope.vocab'] ?? 'null');
	} catch {
		vocab = null; // not JSON: ids are shown
	}
	const list = Array.isArray(vocab) && vocab.every((v) => typeof v === 'string') ? (vocab as string[]) : null;
	return (id) => (list && id >= 0 && id < list.length ? displayToken(list[id], 10) : `#${id}`);
}
