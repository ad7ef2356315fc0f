// From residual adds to blocks. Topology decides: adds are linked into a stream (directly, or
// through a post-norm), then cut into blocks at each attention. Exporter names such as
// `/h.0/attn/...` or `/layers.2/...` are only hints: they are checked against the topology and
// disagreements are reported, never followed silently.
import type { NormInfo, Note, ResidualInfo } from './types.js';
import type { Ctx } from './walk.js';

/** Adds linked into streams, in graph order. More than one stream: encoder-decoder or a broken link. */
export function chainResiduals(ctx: Ctx, residuals: ResidualInfo[], norms: NormInfo[], ambiguities: Note[]): ResidualInfo[][] {
	const byOutput = new Map<string, ResidualInfo>();
	const normByLast = new Map<string, NormInfo>();
	for (const n of norms) normByLast.set(n.last, n);
	const chainOf = new Map<ResidualInfo, ResidualInfo[]>();
	const successor = new Set<ResidualInfo>();
	const chains: ResidualInfo[][] = [];
	for (const r of residuals) {
		const pred = predecessor(ctx, r, byOutput, normByLast);
		if (pred && !successor.has(pred)) {
			successor.add(pred);
			const c = chainOf.get(pred)!;
			c.push(r);
			chainOf.set(r, c);
		} else {
			if (pred)
				ambiguities.push({
					what: `residual add "${r.output}"`,
					why: `the stream after "${pred.output}" feeds two residual adds; the second starts a new stream`
				});
			const c = [r];
			chains.push(c);
			chainOf.set(r, c);
		}
		byOutput.set(r.output, r);
	}
	return chains;
}

function predecessor(
	ctx: Ctx,
	r: ResidualInfo,
	byOutput: Map<string, ResidualInfo>,
	normByLast: Map<string, NormInfo>
): ResidualInfo | null {
	for (const t of [r.stream, r.base]) {
		const direct = byOutput.get(t) ?? byOutput.get(ctx.peel(t));
		if (direct) return direct;
		const n = normByLast.get(t);
		if (n) {
			const viaNorm = byOutput.get(n.input) ?? byOutput.get(ctx.peel(n.input));
			if (viaNorm) return viaNorm;
		}
	}
	return null;
}

/** A run of adds whose branches start from the same stream tensor (parallel blocks have two). */
function units(chain: ResidualInfo[]): ResidualInfo[][] {
	const out: ResidualInfo[][] = [];
	for (const r of chain) {
		const last = out[out.length - 1];
		if (last && last[0].from === r.from) last.push(r);
		else out.push([r]);
	}
	return out;
}

const has = (u: ResidualInfo[], s: 'attn' | 'mlp') => u.some((r) => r.sublayer === s || r.sublayer === 'both');

/** Cut a stream into blocks: a new block at each attention, an MLP closes the block it follows. */
export function groupBlocks(ctx: Ctx, chain: ResidualInfo[], ambiguities: Note[]): ResidualInfo[][] {
	const blocks: ResidualInfo[][] = [];
	let cur: ResidualInfo[] | null = null;
	for (const u of units(chain)) {
		let newBlock = !cur || (has(u, 'attn') && (has(cur, 'attn') || has(cur, 'mlp'))) || (has(u, 'mlp') && has(cur, 'mlp'));
		if (newBlock && cur && !has(u, 'attn') && !has(cur, 'attn')) {
			// Two branches without attention in a row: topology cannot tell where a block ends.
			// Names that put both in one layer decide, and say so.
			const a = hintOf(ctx, cur);
			if (a !== null && a === hintOf(ctx, u)) {
				newBlock = false;
				ambiguities.push({
					what: `residual add "${u[0].output}"`,
					why: `no attention in this branch or the one before; names put both in layer ${a}, so they form one block`
				});
			}
		}
		if (!newBlock && cur) {
			const a = hintOf(ctx, cur);
			const b = hintOf(ctx, u);
			if (a !== null && b !== null && a !== b)
				ambiguities.push({
					what: `residual add "${u[0].output}"`,
					why: `names say layer ${b}, but topology puts it in the block of layer ${a}'s names; topology is used`
				});
		}
		if (newBlock) {
			cur = [];
			blocks.push(cur);
		}
		cur!.push(...u);
	}
	return blocks;
}

const HINT = /(?:^|[/.])(?:h|layer|layers|block|blocks)[._](\d+)(?=[/._]|$)/;

/** Layer index in a PyTorch-style module path (`/h.0/attn/Add`, `/model/layers.2/Add_1`). */
export function layerHint(name: string): number | null {
	const m = HINT.exec(name);
	return m ? Number(m[1]) : null;
}

/** The most common hint over the adds' node names and their branch producers. */
export function hintOf(ctx: Ctx, rs: ResidualInfo[], extra: string[] = []): number | null {
	const counts = new Map<number, number>();
	const names = [...extra];
	for (const r of rs) {
		names.push(ctx.g.nodes[r.node].name);
		const bp = ctx.producer(r.branch);
		if (bp) names.push(bp.name);
	}
	for (const n of names) {
		const h = layerHint(n);
		if (h !== null) counts.set(h, (counts.get(h) ?? 0) + 1);
	}
	let best: number | null = null;
	let bestCount = 0;
	for (const [h, c] of counts)
		if (c > bestCount) {
			best = h;
			bestCount = c;
		}
	return best;
}
