// What a user can ask to change in a run, in TransformerLens terms (docs/interventions.md).

export type Intervention =
	/** Head `head` of block `layer`: its z set to 0 (zero) or to its mean over positions (mean). */
	| { kind: 'ablate'; layer: number; head: number; mode: 'zero' | 'mean' }
	/** The attention or MLP output that block `layer` adds to the stream, set to 0. */
	| { kind: 'zero'; layer: number; branch: 'attn' | 'mlp' }
	/**
	 * The hook's value replaced by another run's (source "run") or a .npy file's (source "file"),
	 * at every position or one, for the whole tensor or one head.
	 */
	| { kind: 'patch'; hook: string; position: number | null; head: number | null; source: 'run' | 'file' };

/** Where an intervention lands in the graph. */
export interface Target {
	tensor: string; // the ONNX tensor whose value is replaced
	/**
	 * Heads on an axis of their own: [B, H, ...] ('BHSS'), folded into the batch [B*H, ...], or
	 * side by side on the last axis, [B, S, H*Dh] ('BS,HD': a fused attention op's output).
	 */
	heads: { count: number; layout: 'BHSS' | 'BH,S,S' | 'BS,HD' } | null;
}

export class InterventionError extends Error {}

/** The short spelling used by the CLI flags and the URL: `0.1`, `blocks.1.mlp`, `HOOK@pos=3@head=1`. */
export function specOf(iv: Intervention): string {
	switch (iv.kind) {
		case 'ablate':
			return `${iv.layer}.${iv.head}`;
		case 'zero':
			return `blocks.${iv.layer}.${iv.branch}`;
		case 'patch':
			return `${iv.hook}${iv.position !== null ? `@pos=${iv.position}` : ''}${iv.head !== null ? `@head=${iv.head}` : ''}`;
	}
}
