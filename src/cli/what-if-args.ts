// The "what if" flags of inspect: interventions, run B, the logit lens and attribution.
// args.ts spreads WHAT_IF_OPTIONS into its parseArgs table and calls whatIfArgs on the values.
import { InterventionError, parseBranches, parseHeads, parsePatchFile, parsePatches, type Intervention } from '../lib/intervene/index.js';
import { UsageError } from './errors.js';

export const WHAT_IF_USAGE = `
  --ablate L.H[,L.H...]   zero-ablate heads: their z (pattern @ V, before W_O) set to 0
  --ablate-mean L.H[,...] mean-ablate heads: z replaced by its mean over this input's positions
  --zero blocks.L.attn|blocks.L.mlp[,...]
                          zero what block L's attention or MLP adds to the stream
  --patch HOOK[@pos=P][@head=H][,...]
                          copy HOOK's value from run B (all positions, or P; one head of hook_z)
  --patch-file HOOK=FILE.npy
                          replace HOOK's value with the array in FILE (repeatable)
  --source-text STR       run B's text (patching); also --source-ids 3,1,4, --source-input NAME=FILE.npy
  --lens                  logit lens: top-5 tokens at every resid_pre/resid_mid/resid_post and position
  --attribute TOKEN_ID|top
                          direct logit attribution of a token (top: the model's prediction)
  --position P            the position --attribute reads (default: the last)
                          (with interventions, the JSON, summary, dump and npz describe the intervened run)`;

export const WHAT_IF_OPTIONS = {
	ablate: { type: 'string' },
	'ablate-mean': { type: 'string' },
	zero: { type: 'string' },
	patch: { type: 'string', multiple: true },
	'patch-file': { type: 'string', multiple: true },
	'source-text': { type: 'string' },
	'source-ids': { type: 'string' },
	'source-input': { type: 'string', multiple: true },
	lens: { type: 'boolean' },
	attribute: { type: 'string' },
	position: { type: 'string' }
} as const;

export interface WhatIfArgs {
	interventions: Intervention[];
	patchFiles: { hook: string; file: string }[];
	source: { text?: string; ids?: string; inputs: { name: string; file: string }[] } | null;
	lens: boolean;
	/** null: no attribution; 'top': the model's prediction */
	attribute: number | 'top' | null;
	position?: number;
}

type Values = {
	[K in keyof typeof WHAT_IF_OPTIONS]?: (typeof WHAT_IF_OPTIONS)[K] extends { multiple: true }
		? string[]
		: (typeof WHAT_IF_OPTIONS)[K] extends { type: 'boolean' }
			? boolean
			: string;
};

function count(flag: string, s: string, min: number): number {
	if (!/^\s*\d+\s*$/.test(s) || Number(s) < min) throw new UsageError(`${flag} expects an integer >= ${min} (got "${s}")`);
	return Number(s);
}

export function whatIfArgs(v: Values): WhatIfArgs {
	try {
		const patchFiles = (v['patch-file'] ?? []).map(parsePatchFile);
		const interventions = [
			...(v.ablate ? parseHeads(v.ablate, 'zero') : []),
			...(v['ablate-mean'] ? parseHeads(v['ablate-mean'], 'mean') : []),
			...(v.zero ? parseBranches(v.zero) : []),
			...(v.patch ?? []).flatMap((p) => parsePatches(p, 'run')),
			...patchFiles.map((f) => ({ kind: 'patch' as const, hook: f.hook, position: null, head: null, source: 'file' as const }))
		];
		const inputs = (v['source-input'] ?? []).map((s) => {
			const eq = s.indexOf('=');
			if (eq <= 0 || eq === s.length - 1) throw new UsageError(`--source-input expects NAME=FILE.npy (got "${s}")`);
			return { name: s.slice(0, eq), file: s.slice(eq + 1) };
		});
		const hasSource = v['source-text'] !== undefined || v['source-ids'] !== undefined || inputs.length > 0;
		const fromRun = interventions.some((iv) => iv.kind === 'patch' && iv.source === 'run');
		if (fromRun && !hasSource) throw new UsageError('--patch copies from run B: give --source-text, --source-ids or --source-input');
		if (hasSource && !fromRun) throw new UsageError('--source-text/--source-ids/--source-input only feed --patch; add --patch HOOK');
		const attribute = v.attribute === undefined ? null : v.attribute === 'top' ? 'top' : count('--attribute', v.attribute, 0);
		if (v.position !== undefined && attribute === null) throw new UsageError('--position goes with --attribute');
		return {
			interventions,
			patchFiles,
			source: hasSource ? { text: v['source-text'], ids: v['source-ids'], inputs } : null,
			lens: v.lens ?? false,
			attribute,
			position: v.position === undefined ? undefined : count('--position', v.position, 0)
		};
	} catch (e) {
		if (e instanceof InterventionError) throw new UsageError(e.message);
		throw e;
	}
}
