// The short spellings of interventions shared by the CLI flags and the URL parameters:
// `0.1,1.3` (heads), `blocks.1.mlp,blocks.0.attn` (branches), `HOOK@pos=3@head=1,...` (patches).
import { InterventionError, type Intervention } from './types.js';

function items(s: string): string[] {
	return s
		.split(',')
		.map((x) => x.trim())
		.filter(Boolean);
}

/** `L.H[,L.H...]` -> head ablations. */
export function parseHeads(s: string, mode: 'zero' | 'mean'): Intervention[] {
	const flag = mode === 'zero' ? 'ablate' : 'ablate-mean';
	return items(s).map((x) => {
		const m = /^(\d+)\.(\d+)$/.exec(x);
		if (!m) throw new InterventionError(`--${flag} expects LAYER.HEAD[,LAYER.HEAD...] such as 0.1,1.3 (got "${x}")`);
		return { kind: 'ablate', layer: Number(m[1]), head: Number(m[2]), mode };
	});
}

/** `blocks.L.attn|blocks.L.mlp[,...]` -> zeroed branches. */
export function parseBranches(s: string): Intervention[] {
	return items(s).map((x) => {
		const m = /^blocks\.(\d+)\.(attn|mlp)$/.exec(x);
		if (!m) throw new InterventionError(`--zero expects blocks.LAYER.attn or blocks.LAYER.mlp[,...] such as blocks.1.mlp (got "${x}")`);
		return { kind: 'zero', layer: Number(m[1]), branch: m[2] as 'attn' | 'mlp' };
	});
}

/** `HOOK[@pos=P][@head=H][,...]` -> patches from run B. */
export function parsePatches(s: string, source: 'run' | 'file' = 'run'): Intervention[] {
	return items(s).map((x) => {
		const [hook, ...opts] = x.split('@');
		let position: number | null = null;
		let head: number | null = null;
		for (const o of opts) {
			const m = /^(pos|head)=(\d+)$/.exec(o);
			if (!hook || !m)
				throw new InterventionError(`--patch expects HOOK[@pos=P][@head=H] such as blocks.0.hook_resid_mid@pos=3 (got "${x}")`);
			if (m[1] === 'pos') position = Number(m[2]);
			else head = Number(m[2]);
		}
		if (!hook) throw new InterventionError(`--patch expects HOOK[@pos=P][@head=H] (got "${x}")`);
		return { kind: 'patch', hook, position, head, source };
	});
}

/** `HOOK=FILE.npy` -> the hook and the file. */
export function parsePatchFile(s: string): { hook: string; file: string } {
	const eq = s.lastIndexOf('=');
	if (eq <= 0 || eq === s.length - 1) throw new InterventionError(`--patch-file expects HOOK=FILE.npy (got "${s}")`);
	return { hook: s.slice(0, eq), file: s.slice(eq + 1) };
}
