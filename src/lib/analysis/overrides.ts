// User overrides: "tensor T is the attention pattern of layer L", "this Add is a residual",
// "this is a norm", "this is not any of those". Recognition applies them before placement, so
// everything downstream (blocks, placement, hooks) follows from the corrected facts.
import type { AttentionInfo, NormInfo, Note, Override, ResidualInfo } from './types.js';
import type { BlockDraft } from './placement.js';
import { recognize } from './attention.js';
import { streamBase, sublayerOf } from './residual.js';
import { nodeLabel, publicName, type Ctx } from './walk.js';

const what = (o: Override) => `override ${JSON.stringify(o)}`;

/** Overrides that name tensors the graph does not have are dropped with a note. */
export function validOverrides(ctx: Ctx, overrides: readonly Override[], notes: Note[]): Override[] {
	const known = (t: string) => ctx.g.producer.has(t) || ctx.g.inputs.some((i) => i.name === t);
	return overrides.filter((o) => {
		const names =
			o.kind === 'attention'
				? [o.pattern]
				: o.kind === 'ignore'
					? [o.tensor]
					: [o.output, ...('input' in o && o.input ? [o.input] : []), ...('stream' in o && o.stream ? [o.stream] : [])];
		const missing = names.find((t) => !known(t));
		if (missing) notes.push({ what: what(o), why: `the graph has no tensor "${missing}"` });
		return !missing;
	});
}

function ignored(overrides: readonly Override[]): Set<string> {
	return new Set(overrides.flatMap((o) => (o.kind === 'ignore' ? [o.tensor] : [])));
}

export function overrideNorms(ctx: Ctx, norms: NormInfo[], overrides: readonly Override[], notes: Note[]): NormInfo[] {
	const drop = ignored(overrides);
	let out = norms.filter((n) => !drop.has(n.output) && !drop.has(n.last));
	for (const o of overrides) {
		if (o.kind !== 'norm') continue;
		const existing = out.find((n) => n.output === o.output || n.last === o.output);
		if (existing) {
			Object.assign(existing, { kind: o.normKind, overridden: true }, o.input ? { input: o.input } : {});
			continue;
		}
		const p = ctx.producer(o.output)!;
		const input = o.input ?? ctx.actInputs(p)[0];
		if (!input) {
			notes.push({ what: what(o), why: 'the node has no data input; give `input`' });
			continue;
		}
		out = out.filter((n) => !n.nodes.includes(p.index));
		out.push({
			kind: o.normKind,
			form: 'fused', // one node stands for the whole norm
			spelling: `${p.opType} (override)`,
			input,
			output: publicName(ctx, o.output),
			last: o.output,
			eps: null,
			gamma: null,
			beta: null,
			alpha: null,
			scale: null,
			nodes: [p.index],
			overridden: true
		});
	}
	return out.sort((a, b) => Math.max(...a.nodes) - Math.max(...b.nodes));
}

export function overrideAttention(
	ctx: Ctx,
	attention: AttentionInfo[],
	overrides: readonly Override[],
	unrecognized: Note[],
	ambiguities: Note[]
): AttentionInfo[] {
	const drop = ignored(overrides);
	const out = attention.filter((a) => !drop.has(a.pattern));
	for (const o of overrides) {
		if (o.kind !== 'attention') continue;
		let a = out.find((x) => x.pattern === o.pattern);
		const p = ctx.producer(o.pattern)!;
		if (!a) {
			const r = p.opType === 'Softmax' ? recognize(ctx, p, true) : null;
			if (r && 'info' in r) {
				a = r.info;
				for (const why of r.ambiguities) ambiguities.push({ what: nodeLabel(p), why });
			} else
				a = {
					pattern: o.pattern,
					scores: p.inputs[0],
					qk: p.inputs[0],
					softmax: p.index,
					heads: null,
					headsFrom: null,
					layout: null,
					masks: [],
					masked: false,
					scale: null,
					rope: false,
					softcap: false,
					scoreNodes: [],
					op: p.opType,
					derived: false,
					kvHeads: null,
					fused: null
				};
			out.push(a);
			// The override answers what recognition could not: drop its complaint.
			const label = nodeLabel(p);
			for (let i = unrecognized.length - 1; i >= 0; i--) if (unrecognized[i].what === label) unrecognized.splice(i, 1);
		}
		a.overridden = true;
		if (o.heads !== undefined) {
			a.heads = o.heads;
			a.headsFrom = 'override';
		}
		if (o.masked !== undefined) a.masked = o.masked;
		if (o.layer !== undefined) a.layerOverride = o.layer;
	}
	return out.sort((x, y) => x.softmax - y.softmax);
}

export function overrideResiduals(
	ctx: Ctx,
	residuals: ResidualInfo[],
	attention: AttentionInfo[],
	overrides: readonly Override[],
	notes: Note[]
): ResidualInfo[] {
	const drop = ignored(overrides);
	let out = residuals.filter((r) => !drop.has(r.output));
	for (const o of overrides) {
		if (o.kind !== 'residual') continue;
		let r = out.find((x) => x.output === o.output);
		const p = ctx.producer(o.output)!;
		if (!r) {
			if (p.opType !== 'Add' && p.opType !== 'Sum') {
				notes.push({ what: what(o), why: `"${o.output}" is written by ${p.opType}, not an Add` });
				continue;
			}
			const stream = o.stream ?? null;
			if (!stream || !p.inputs.includes(stream)) {
				notes.push({
					what: what(o),
					why: "recognition cannot tell the stream operand from the branch here; give `stream` (one of the Add's inputs)"
				});
				continue;
			}
			const { base, alpha } = streamBase(ctx, stream);
			r = {
				node: p.index,
				output: o.output,
				stream,
				base,
				alpha,
				branch: p.inputs.find((i) => i !== stream)!,
				from: base,
				sublayer: 'mlp',
				attention: null,
				attnPart: null,
				mlpPart: null
			};
			out.push(r);
		} else if (o.stream && o.stream !== r.stream && p.inputs.includes(o.stream)) {
			const { base, alpha } = streamBase(ctx, o.stream);
			Object.assign(r, { stream: o.stream, base, alpha, from: base, branch: p.inputs.find((i) => i !== o.stream)! });
		}
		sublayerOf(ctx, r, attention);
		r.overridden = true;
		if (o.sublayer) r.sublayer = o.sublayer;
		if (o.layer !== undefined) r.layerOverride = o.layer;
	}
	out = out.sort((a, b) => a.node - b.node);
	return out;
}

/** Layer numbers given by the user win over topology: move the attention / norm / add there. */
export function overrideLayers(
	drafts: BlockDraft[],
	attention: AttentionInfo[],
	norms: NormInfo[],
	residuals: ResidualInfo[],
	overrides: readonly Override[],
	notes: Note[]
): void {
	const target = (layer: number, label: string): BlockDraft | null => {
		const d = drafts[layer];
		if (!d) notes.push({ what: label, why: `an override puts it in layer ${layer}, but only ${drafts.length} layers were found` });
		return d ?? null;
	};
	for (const a of attention) {
		if (a.layerOverride === undefined) continue;
		const d = target(a.layerOverride, `attention "${a.pattern}"`);
		if (!d) continue;
		for (const x of drafts) if (x.attention === a && x !== d) x.attention = null;
		if (d.attention && d.attention !== a)
			notes.push({ what: `attention "${d.attention.pattern}"`, why: `displaced from layer ${a.layerOverride} by an override` });
		d.attention = a;
	}
	for (const r of residuals) {
		if (r.layerOverride === undefined) continue;
		const d = target(r.layerOverride, `residual add "${r.output}"`);
		if (!d) continue;
		for (const x of drafts) x.residuals = x.residuals.filter((y) => y !== r);
		d.residuals.push(r);
	}
	for (const o of overrides) {
		if (o.kind !== 'norm') continue;
		const n = norms.find((x) => x.last === o.output || x.output === o.output);
		if (!n) continue;
		let placed = drafts.flatMap((d) => d.norms).find((x) => x.last === n.last);
		if (o.layer !== undefined) {
			const d = target(o.layer, `norm "${n.output}"`);
			if (!d) continue;
			for (const x of drafts) x.norms = x.norms.filter((y) => y.last !== n.last);
			placed = { ...n, placement: o.placement ?? placed?.placement ?? 'pre', sublayer: o.sublayer ?? placed?.sublayer ?? 'attn' };
			d.norms.push(placed);
		}
		if (placed) {
			if (o.placement) placed.placement = o.placement;
			if (o.sublayer) placed.sublayer = o.sublayer;
		}
	}
}
