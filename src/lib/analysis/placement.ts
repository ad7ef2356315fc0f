// Where each norm sits relative to the residual stream, and what that makes each block
// (seed-notes: post-norm, pre-norm, parallel, DeepNorm, DyT). A norm is
//   pre:  it reads a stream tensor and feeds a branch that is added back to the stream;
//   post: it reads a residual add's output and its output is the stream from then on;
// anything else (QK-norm, sandwich norms, norms off the stream) is reported, not placed.
import type { AttentionInfo, BlockVariant, Layer, NormInfo, Note, PlacedNorm, ResidualInfo, Sublayer } from './types.js';
import type { Ctx } from './walk.js';
import { hintOf } from './layers.js';

export interface Placed {
	drafts: BlockDraft[];
	finalNorm: PlacedNorm | null;
	embedNorm: NormInfo | null;
	unplaced: Note[];
	ambiguities: Note[];
}

/** A block before its variant is judged: overrides may still move things between drafts. */
export interface BlockDraft {
	residuals: ResidualInfo[];
	norms: PlacedNorm[];
	attention: AttentionInfo | null;
}

export function place(ctx: Ctx, streams: ResidualInfo[][][], norms: NormInfo[], attention: AttentionInfo[]): Placed {
	const unplaced: Note[] = [];
	const ambiguities: Note[] = [];
	const drafts: BlockDraft[] = streams.flat().map((residuals) => {
		const at = residuals.find((r) => r.attention !== null)?.attention;
		return { residuals, norms: [], attention: at === undefined || at === null ? null : attention[at] };
	});
	const blockOf = new Map<ResidualInfo, BlockDraft>();
	for (const d of drafts) for (const r of d.residuals) blockOf.set(r, d);
	const all = drafts.flatMap((d) => d.residuals);
	const byOutput = new Map(all.map((r) => [r.output, r]));
	const streamUsers = new Map<string, ResidualInfo[]>(); // stream tensor -> adds that read it as their stream
	for (const r of all) for (const t of new Set([r.base, r.stream])) streamUsers.set(t, [...(streamUsers.get(t) ?? []), r]);
	const firsts = new Set(streams.map((s) => s[0]?.[0]).filter((r): r is ResidualInfo => !!r));
	const lasts = new Map(streams.map((s) => [s[s.length - 1]?.[s[s.length - 1].length - 1], s] as const));

	let embedNorm: NormInfo | null = null;
	const trailing: { norm: NormInfo; after: ResidualInfo }[] = [];
	for (const n of norms) {
		const input = ctx.peel(n.input);
		const after = byOutput.get(n.input) ?? byOutput.get(input);
		const users = streamUsers.get(n.last) ?? [];
		// post: add output -> norm -> stream of the next add
		if (after && users.length) {
			blockOf.get(after)!.norms.push({ ...n, placement: 'post', sublayer: after.sublayer });
			continue;
		}
		// pre: stream tensor -> norm -> branch of adds that branch off that stream tensor
		const fed = all.filter((r) => (r.from === input || r.from === n.input) && ctx.reaches(n.last, r.branch));
		if (fed.length) {
			blockOf.get(fed[0])!.norms.push({ ...n, placement: 'pre', sublayer: unionSub(ctx, n, fed) });
			continue;
		}
		if (after && lasts.has(after)) {
			trailing.push({ norm: n, after });
			continue;
		}
		if (users.some((r) => firsts.has(r)) && !embedNorm) {
			embedNorm = n;
			continue;
		}
		unplaced.push({ what: `${n.kind} "${n.output}"`, why: whyUnplaced(ctx, n, all) });
	}

	// A norm after the last add is the last block's post-norm in a post-norm stack, else the final norm.
	let finalNorm: PlacedNorm | null = null;
	for (const { norm, after } of trailing) {
		const d = blockOf.get(after)!;
		const own = d.norms;
		const postStack =
			own.some((x) => x.placement === 'post') || (own.length === 0 && drafts.some((x) => x.norms.some((y) => y.placement === 'post')));
		const preStack =
			own.some((x) => x.placement === 'pre') || (own.length === 0 && drafts.some((x) => x.norms.some((y) => y.placement === 'pre')));
		if (postStack && !preStack) d.norms.push({ ...norm, placement: 'post', sublayer: after.sublayer });
		else {
			if (postStack === preStack)
				ambiguities.push({
					what: `${norm.kind} "${norm.output}"`,
					why: 'after the last block, and the blocks give no placement to compare with: taken as the final norm'
				});
			if (finalNorm) unplaced.push({ what: `${norm.kind} "${norm.output}"`, why: 'a second norm after the last block' });
			else finalNorm = { ...norm, placement: 'post', sublayer: 'both' };
		}
	}

	return { drafts, finalNorm, embedNorm, unplaced, ambiguities };
}

/** The sublayers a pre-norm feeds; in a summed parallel branch, the half (or halves) it reaches (GPT-NeoX has one norm per half). */
function unionSub(ctx: Ctx, n: NormInfo, rs: ResidualInfo[]): Sublayer {
	const s = new Set<Sublayer>();
	for (const r of rs) {
		if (r.sublayer !== 'both' || !r.attnPart || !r.mlpPart) s.add(r.sublayer);
		else {
			const a = ctx.reaches(n.last, r.attnPart);
			const m = ctx.reaches(n.last, r.mlpPart);
			s.add(a && m ? 'both' : a ? 'attn' : 'mlp');
		}
	}
	return s.size === 1 ? [...s][0] : 'both';
}

function whyUnplaced(ctx: Ctx, n: NormInfo, all: ResidualInfo[]): string {
	const inBranch = all.find((r) => ctx.reaches(r.from, n.input) && ctx.reaches(n.last, r.branch));
	if (inBranch) {
		if (inBranch.attention !== null && n.last !== inBranch.branch && !ctx.reaches(n.last, inBranch.branch, true))
			return `normalizes the ${inBranch.sublayer} branch's output before the residual add (sandwich norm): not a pre- or post-norm`;
		return `normalizes a tensor inside the ${inBranch.sublayer} branch (e.g. QK-norm), not the residual stream`;
	}
	return 'does not read the residual stream and does not feed a residual branch';
}

/** Judge each block's variant and name its input and output. */
export function toLayers(ctx: Ctx, drafts: BlockDraft[]): Layer[] {
	return drafts.map((d, i) => layerOf(ctx, d, i));
}

function layerOf(ctx: Ctx, d: BlockDraft, index: number): Layer {
	d.norms.sort((a, b) => Math.max(...a.nodes) - Math.max(...b.nodes));
	d.residuals.sort((a, b) => a.node - b.node);
	const { variant, reason, alpha } = variantOf(d);
	const first = d.residuals[0];
	const lastRes = d.residuals[d.residuals.length - 1];
	const post = lastRes && d.norms.find((n) => n.placement === 'post' && ctx.peel(n.input) === ctx.peel(lastRes.output));
	const normNames = d.norms.flatMap((n) => n.nodes.map((i) => ctx.g.nodes[i].name));
	const sm = d.attention ? [ctx.g.nodes[d.attention.softmax].name] : [];
	return {
		index,
		attention: d.attention,
		norms: d.norms,
		residuals: d.residuals,
		variant,
		reason,
		alpha,
		input: first ? first.base : null,
		output: post ? post.output : lastRes ? lastRes.output : null,
		nameHint: hintOf(ctx, d.residuals, [...normNames, ...sm])
	};
}

function variantOf(d: BlockDraft): { variant: BlockVariant; reason: string | null; alpha: number | null } {
	const unknown = (reason: string) => ({ variant: 'unknown' as const, reason, alpha: null });
	const rs = d.residuals;
	const norms = d.norms;
	if (!rs.length) return unknown('no residual add found for this block');
	if (!norms.length) return unknown('no norm on the residual stream in this block');
	const kinds = new Set(norms.map((n) => n.kind));
	const pres = norms.filter((n) => n.placement === 'pre');
	const posts = norms.filter((n) => n.placement === 'post');
	const parallel = rs.some((r) => r.sublayer === 'both') || (rs.length === 2 && rs[0].from === rs[1].from);
	const alphas = rs.map((r) => r.alpha);
	if (kinds.has('dyt')) {
		if (kinds.size > 1) return unknown('mixes DyT with normalizing norms');
		return { variant: 'dyt', reason: null, alpha: null };
	}
	if (pres.length && posts.length) return unknown('norms both before and after sublayers in one block');
	const subs = rs.map((r) => r.sublayer);
	if (pres.length) {
		const covered = new Set(pres.flatMap((n) => (n.sublayer === 'both' ? ['attn', 'mlp'] : [n.sublayer])));
		const bare = subs.flatMap((s) => (s === 'both' ? ['attn', 'mlp'] : [s])).filter((s) => !covered.has(s));
		if (bare.length) return unknown(`the ${bare[0]} branch reads the stream without a norm`);
		if (alphas.some((a) => a !== null)) return unknown('the stream is scaled by a constant before the add in a pre-norm block');
		return { variant: parallel ? 'parallel' : 'pre-norm', reason: null, alpha: null };
	}
	if (parallel) return unknown('a parallel block with its norm after the add');
	const normalizedAfter = new Set(posts.map((n) => n.sublayer));
	const bare = subs.filter((s) => !normalizedAfter.has(s));
	if (bare.length) return unknown(`no norm after the ${bare[0]} add`);
	if (alphas.every((a) => a === null)) return { variant: 'post-norm', reason: null, alpha: null };
	if (alphas.every((a) => a !== null && a > 1 && a === alphas[0])) return { variant: 'deepnorm', reason: null, alpha: alphas[0] };
	return unknown(
		`the stream is scaled by ${alphas.map((a) => a ?? 1).join(' and ')} before the adds; DeepNorm scales every add by one alpha > 1`
	);
}
