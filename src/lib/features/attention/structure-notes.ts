// Why a view is empty, in recognition's own words ("no attention found: the graph has no Softmax,
// ..."), for models that are not transformers (an MLP, a CNN) or that recognition failed on.
import type { StructureInfo } from '$lib/worker/protocol';

/** Why no attention was found (null: some was, or nothing is known yet). */
export function noAttentionReason(s: Pick<StructureInfo, 'unrecognized' | 'analysisError' | 'attention'> | null): string | null {
	if (!s || s.attention.length) return null;
	const note = s.unrecognized.find((n) => n.what === 'attention');
	if (note) return note.why.replace(/^no attention found:\s*/i, '');
	if (s.analysisError) return `recognition failed: ${s.analysisError}`;
	return null;
}
