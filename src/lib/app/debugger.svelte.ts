// The page composed: the runtime session (what runs), the selection (what is pointed at), the
// charts' shared state and which page is open (compare, diff). It keeps the selection valid as
// results come in and hands views the data they draw; the views hold no page object.
import { attentionAt, type AttentionAt, type AttentionScale } from '$lib/features/attention';
import { ChartState, StatsView } from '$lib/features/charts';
import type { Perturb } from '$lib/features/diff';
import { toggleEntry, type Entry, type WhatIfParams } from '$lib/features/interventions';
import { describeInput } from '$lib/features/export';
import { RuntimeSession, connector, type Connect } from '$lib/features/model';
import type { Caption } from '$lib/viz/figure/file';
import type { InputOptions } from '$lib/worker/protocol';
import { label } from '$lib/worker/ep';
import { pickModel } from '$lib/worker/zoo';
import type { Slice } from '$lib/viz/views';
import type { Readout } from '$lib/viz/readout';
import type { CapturedTensor } from '$lib/tensor/store';
import { cellReadout } from './cell-readout';
import { Selection, type Bounds } from './selection.svelte';
import type { PageParams, Section } from './url';

export interface DebuggerOptions {
	connect?: Connect;
	settle?: () => Promise<void>;
	deviceMemoryGiB?: number | null;
}

export class Debugger {
	readonly session: RuntimeSession;
	readonly sel = new Selection();
	readonly charts = new ChartState();
	readonly stats: StatsView;
	/** The compared zoo model (`?compare=`); null: no compare view. */
	compare = $state<string | null>(null);
	/** The backend diff in place of the body (`?diff=1`). */
	diff = $state(false);
	/** Test only: `?perturb=`, honoured by the diff view alone. */
	perturb = $state.raw<Perturb | null>(null);
	/** The what-if view's interventions (`?ablate=`...); null: closed. */
	whatIf = $state.raw<WhatIfParams | null>(null);
	/** Run B's own inputs in the compare view and the diff (`?text_b=`, `?ids_b=`); null: A's. */
	inputB = $state.raw<InputOptions | null>(null);
	/** The overview section the tabs opened (`?view=`); null: none asked for. */
	section = $state<Section | null>(null);
	/** The attention heatmap's colour scale (`?scale=`). */
	scale = $state<AttentionScale>('fixed');
	/** The model list is in: the URL follows the view from now on. */
	started = $state(false);

	readonly attention: AttentionAt;
	/** The tensor panel's tensor. */
	readonly tensor: CapturedTensor | null;
	/** The pinned or hovered cell's readout. */
	readonly readout: Readout | null;

	/** Selective capture: the hook to select once the stepped-to layer's tensors are in. */
	private follow: string | null = null;
	/** From the URL: the pinned cell and the tensor to select once the first result is in. */
	private restore: { pin: { row: number; col: number } | null; tensor: string | null } | null = null;

	constructor(root: URL, o: DebuggerOptions = {}) {
		this.session = new RuntimeSession({
			root,
			connect: o.connect ?? connector(root),
			layer: () => this.sel.layer,
			head: () => this.sel.head,
			onShow: (keepView, run) => this.shown(keepView, run),
			settle: o.settle,
			deviceMemoryGiB: o.deviceMemoryGiB
		});
		const s = this.session;
		this.stats = new StatsView(() => ({ result: s.result, structure: s.structure }));
		this.attention = $derived(attentionAt(s.structure, s.byName, this.sel.layer, this.sel.head));
		this.tensor = $derived((this.sel.selected ? s.byName.get(this.sel.selected) : null) ?? null);
		this.readout = $derived(
			cellReadout({
				cell: this.sel.cell,
				layer: this.sel.layer,
				head: this.sel.head,
				attention: this.attention,
				tensor: this.tensor,
				slice: this.sel.slice,
				tokens: s.result?.tokens ?? null,
				long: s.result?.long ?? null
			})
		);
	}

	/** Opens what the URL names: the zoo model (the default one when none or an empty one), or waits for a local file. */
	async start(p: PageParams): Promise<void> {
		const s = this.session;
		s.start({ backend: p.backend, capture: p.capture, input: p.input, budget: p.budget, variant: p.variant });
		this.sel.layer = p.layer;
		this.sel.head = p.head;
		this.restore = { pin: p.pin ?? null, tensor: p.tensor ?? null };
		this.compare = p.compare;
		this.diff = p.diff;
		this.perturb = p.perturb;
		this.whatIf = p.whatIf ?? null;
		this.section = p.view ?? null;
		this.scale = p.scale ?? 'fixed';
		this.inputB = p.inputB ?? null;
		await s.loadZoo();
		this.started = true;
		if (p.file) return s.awaitFile(p.file);
		const entry = pickModel(s.zoo, p.model);
		await s.openZoo(entry.id, true);
		if (p.emptyModel) s.note = `The link's model= was empty: opened the default model, ${entry.id}.`;
		// Role overrides from the link: recognition runs again with them (no re-run of the model).
		if (p.roles && s.result) await s.setOverrides(p.roles);
		// The selected token: once the sequence is known (the charts drop one past its end).
		if (p.token !== null && p.token !== undefined && s.result) this.charts.token = p.token;
	}

	dispose(): void {
		this.session.dispose();
	}

	private bounds(): Bounds {
		const at = () => this.attention;
		// Summary capture holds one layer's head exactly; every layer's head count is in its summaries.
		const summarized = () => this.session.result?.long?.layers.find((l) => l.layer === this.sel.layer)?.heads ?? 0;
		return {
			layers: this.session.layers,
			dims: (n) => this.session.byName.get(n)?.dims ?? null,
			get heads() {
				return at().heads || summarized();
			},
			get pattern() {
				return at().pattern?.dims ?? null;
			}
		};
	}

	/** A result or a new structure is in: the selection follows it. */
	private shown(keepView: boolean, run: boolean): void {
		const { result: r, structure: s } = this.session;
		if (run && r && s && this.follow) {
			const i = s.roles.findIndex((x) => x.hook === this.follow);
			if (i >= 0 && r.tensors[i]) this.sel.selected = r.tensors[i].name;
			this.follow = null;
		}
		if (run && !keepView) this.sel.clearTensor();
		const restore = run ? this.restore : null;
		if (run) this.restore = null;
		if (restore?.tensor && this.session.byName.has(restore.tensor)) this.sel.selected = restore.tensor;
		if (restore?.pin) this.sel.pin = { source: 'attention', ...restore.pin };
		this.sel.clamp(this.bounds());
	}

	setLayer(l: number): void {
		const s = this.session;
		if (!s.layers) return;
		const next = Math.min(Math.max(0, l), s.layers - 1);
		if (next === this.sel.layer) return;
		const role = this.sel.selected ? this.roleOf(this.sel.selected) : null;
		this.sel.layer = next;
		// The tensor panel follows: the same hook in the new layer, where there is one.
		if (role?.hook?.startsWith('blocks.')) {
			const want = role.hook.replace(/^blocks\.\d+\./, `blocks.${next}.`);
			const found = s.result?.tensors.find((_, i) => s.structure?.roles[i]?.hook === want);
			if (found) this.select(found.name);
			else this.follow = want;
		}
		this.sel.clamp(this.bounds());
		// Selective capture: that layer's tensors are one more forward pass on the same session.
		const cap = s.result?.capture;
		if ((cap?.mode === 'selective' || cap?.mode === 'summary') && cap.layer !== next) void s.fetchLayer();
		else this.follow = null;
	}

	setHead(h: number): void {
		const before = this.sel.head;
		this.sel.setHead(h, this.attention.heads);
		const s = this.session;
		if (this.sel.head === before || !s.result) return;
		// Summary capture holds one head exactly: another is one more forward pass. Else the page holds it.
		if (s.result.long) void s.fetchHead();
		else s.heldHead(this.sel.head);
	}

	select(name: string | null): void {
		this.sel.select(name, (name && this.session.byName.get(name)?.dims) || null);
	}

	setSlice(s: Slice): void {
		if (this.tensor) this.sel.setSlice(s, this.tensor.dims);
	}

	/** Shows a tensor in the tensor panel (its layer first, so the list holds it). */
	show(name: string): void {
		const layer = this.roleOf(name)?.layer;
		if (layer !== null && layer !== undefined) this.setLayer(layer);
		this.select(name);
	}

	roleOf(name: string): { hook: string | null; layer: number | null } | null {
		const i = this.session.result?.tensors.findIndex((t) => t.name === name) ?? -1;
		return i >= 0 ? (this.session.structure?.roles[i] ?? null) : null;
	}

	openCompare(id: string | null): void {
		this.compare = id;
	}

	/** A head's or branch's ablate toggle: the entry added to (or removed from) the what-if view, which opens. */
	toggleIntervention(e: Entry): void {
		this.whatIf = toggleEntry(this.whatIf, e);
		this.compare = null;
		this.diff = false;
	}

	toggleDiff(): void {
		this.diff = !this.diff;
		if (this.diff) this.compare = null;
		if (this.diff) this.whatIf = null;
	}

	toggleWhatIf(): void {
		this.whatIf = this.whatIf ? null : { entries: [], source: '' };
		if (this.whatIf) this.compare = null;
		if (this.whatIf) this.diff = false;
	}

	/** What every figure export's caption says. */
	caption(): Caption {
		const s = this.session;
		return {
			model: s.modelName,
			layer: this.sel.layer,
			head: this.sel.head,
			backend: s.backend ? label(s.backend) : null,
			input: describeInput(s.result?.input ?? s.input, s.textModel)
		};
	}

	/** The whole view, for the URL. */
	params(): PageParams {
		const { session: s, sel } = this;
		const file = s.modelId ? null : (s.awaiting ?? s.result?.model.name ?? null);
		const pin = sel.pin?.source === 'attention' ? { row: sel.pin.row, col: sel.pin.col } : null;
		return {
			model: s.modelId,
			backend: s.backendChoice,
			layer: sel.layer,
			head: sel.head,
			input: s.input,
			capture: s.capture,
			file,
			pin,
			tensor: sel.selected,
			roles: s.structure?.overrides ?? null,
			token: this.charts.token,
			compare: this.compare,
			diff: this.diff,
			perturb: this.perturb,
			budget: s.budgetSetting,
			variant: s.modelId ? null : s.variant,
			view: this.section,
			scale: this.scale,
			whatIf: this.whatIf,
			inputB: this.compare !== null || this.diff ? this.inputB : null
		};
	}
}
