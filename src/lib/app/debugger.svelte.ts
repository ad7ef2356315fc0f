// The page's state in one place: which model is open and how, the inputs, the current layer, head
// and tensor, the role overrides, and the hovered / pinned cell. Components read it and call its
// methods; they hold no state of their own beyond what they draw.
import { tick } from 'svelte';
import { RuntimeClient } from '$lib/worker/client';
import type { BackendChoice } from '$lib/worker/ep';
import { describeProgress, describeResult } from '$lib/worker/progress';
import { installHook } from '$lib/worker/test-hook';
import type { ExtraFile, InputOptions, ModelSource, ProgressMessage, ResultMessage, StructureInfo } from '$lib/worker/protocol';
import type { ZooEntry } from '$lib/worker/zoo';
import type { Override } from '$lib/analysis/types';
import type { Backend } from '$lib/runtime/capture';
import type { CapturedTensor } from '$lib/tensor/store';
import { META_VOCAB } from '$lib/runtime/inputs';
import { checkModelSize, memoryBudget } from '$lib/runtime/limits';
import { headCount, validSlice, type Slice } from '$lib/viz/views';
import type { ViewParams } from './url';

export type Phase = 'loading' | 'ready' | 'error';
export interface CellRef {
	source: 'attention' | 'tensor';
	row: number;
	col: number;
}

export class Debugger {
	phase = $state<Phase>('loading');
	message = $state('starting');
	/** Bytes read of total while fetching (null: not fetching or unknown total). */
	fraction = $state<number | null>(null);
	/** `n`: errors so far in this page (tests tell one refusal from the next by it). */
	error = $state<{ message: string; hint?: string; n: number } | null>(null);
	private failures = 0;
	zoo = $state.raw<ZooEntry[]>([]);
	/** The zoo id open, or null for a model opened from files. */
	modelId = $state<string | null>(null);
	backendChoice = $state<BackendChoice>('auto');
	capture = $state<'all' | 'semantic'>('all');
	input = $state.raw<InputOptions>({});
	result = $state.raw<ResultMessage | null>(null);
	structure = $state.raw<StructureInfo | null>(null);
	layer = $state(0);
	head = $state(0);
	selected = $state<string | null>(null);
	slice = $state.raw<Slice | null>(null);
	hover = $state.raw<CellRef | null>(null);
	pin = $state.raw<CellRef | null>(null);
	/** Issue 7: ?budget= (the memory budget: a size such as 1200M, or a bare number of MiB); null: the default. */
	budgetSetting: string | null = null;
	/** Selective capture: the hook to select once the stepped-to layer's tensors are in. */
	private follow: string | null = null;
	/** From the URL: the pinned cell and the tensor to select once the first result is in. */
	private restore: { pin: { row: number; col: number } | null; tensor: string | null } | null = null;

	/** Issue 9: a link to a local file was opened: its name, until that file is opened again (the view then comes back). */
	awaiting = $state<string | null>(null);

	private client: RuntimeClient | null = null;
	private files: File[] = [];
	private latest = 0;
	/** What the view shows (issue 8): put back when opening another model fails, so the view stays until a new model is ready. */
	private shown: { modelId: string | null; files: File[]; input: InputOptions } | null = null;
	/** An open failed after the worker let go of the shown model: the next request opens it again first. */
	private stale = false;

	readonly backend = $derived<Backend | null>(this.result?.backend ?? null);
	readonly byName = $derived(new Map((this.result?.tensors ?? []).map((t) => [t.name, t])));
	readonly layers = $derived(this.structure?.layers ?? 0);
	readonly textModel = $derived(!!this.result && META_VOCAB in this.result.model.metadata);
	readonly attn = $derived(this.structure?.attention.find((a) => a.layer === this.layer) ?? null);
	readonly pattern = $derived<CapturedTensor | null>((this.attn && this.byName.get(this.attn.tensor)) ?? null);
	readonly scores = $derived<CapturedTensor | null>((this.attn?.scores ? this.byName.get(this.attn.scores) : null) ?? null);
	readonly heads = $derived(this.pattern ? headCount(this.pattern.dims) : 0);
	readonly tensor = $derived<CapturedTensor | null>((this.selected ? this.byName.get(this.selected) : null) ?? null);
	/** What the readout shows: the pinned cell, else the hovered one. */
	readonly cell = $derived(this.pin ?? this.hover);
	/** Issue 6: the run's health checks (from the worker); null before a run or when they failed. */
	readonly health = $derived(this.result?.health ?? null);

	constructor(private readonly root: URL) {}

	start(p: ViewParams): void {
		this.client = new RuntimeClient(new URL('ort/', this.root).href);
		this.backendChoice = p.backend;
		this.capture = p.capture;
		this.input = p.input;
		this.layer = p.layer;
		this.head = p.head;
		this.restore = { pin: p.pin ?? null, tensor: p.tensor ?? null };
		this.budgetSetting = new URL(location.href).searchParams.get('budget');
	}

	/** The memory budget (limits.ts), from ?budget= where given. */
	budget() {
		const raw = this.budgetSetting?.trim() || null;
		const setting = raw && /^\d+(\.\d+)?$/.test(raw) ? `${raw}M` : raw;
		const deviceMemoryGiB = (navigator as { deviceMemory?: number }).deviceMemory ?? null;
		return memoryBudget({ where: 'browser', setting, settingName: '?budget', deviceMemoryGiB });
	}

	dispose(): void {
		this.client?.dispose();
		this.client = null;
	}

	fail(e: unknown): void {
		this.phase = 'error';
		const hint = (e as { hint?: unknown } | null)?.hint;
		this.error = { message: e instanceof Error ? e.message : String(e), hint: typeof hint === 'string' ? hint : undefined, n: ++this.failures };
		this.message = 'failed';
		this.fraction = null;
	}

	private onProgress = (p: ProgressMessage) => {
		this.message = describeProgress(p);
		this.fraction = p.stage === 'fetch' && p.total && p.loaded !== undefined ? p.loaded / p.total : null;
	};

	/** One request at a time from the page's point of view: a newer one makes older answers stale. */
	private async request(make: (c: RuntimeClient) => Promise<ResultMessage>, keepView: boolean, opening = false): Promise<void> {
		if (!this.client) return;
		const token = ++this.latest;
		this.phase = 'loading';
		this.error = null;
		try {
			const r = await make(this.client);
			if (token !== this.latest) return;
			this.shown = { modelId: this.modelId, files: this.files, input: this.input };
			this.stale = false;
			await this.show(r, keepView);
		} catch (e) {
			if (token !== this.latest) return;
			this.fail(e);
			// The previous model stays on screen (and in the URL) until a new one is ready.
			if (opening && this.shown && this.result) {
				this.modelId = this.shown.modelId;
				this.files = this.shown.files;
				this.input = this.shown.input;
				this.stale = true;
			}
		}
	}

	/** The shown model again, on the worker (after a failed open, or another backend). */
	private reopen(): Promise<void> {
		if (this.modelId) return this.openZoo(this.modelId, true);
		if (this.files.length) return this.openSource(() => this.readFiles(), true);
		return Promise.resolve();
	}

	/** A link made for a local file: nothing to open until the user picks that file again. */
	awaitFile(name: string): void {
		this.awaiting = name;
		this.modelId = null;
		this.phase = 'ready';
		this.message = `this link is for the local file ${name}: open it again to restore the view`;
	}

	/** `keep`: keep the inputs and the selected tensor (same model again, or the first open from the URL). */
	openZoo(id: string, keep = this.modelId === id): Promise<void> {
		this.awaiting = null;
		const entry = this.zoo.find((e) => e.id === id);
		if (!entry) {
			this.fail(new Error(`No model "${id}" in the zoo (have: ${this.zoo.map((x) => x.id).join(', ')}).`));
			return Promise.resolve();
		}
		this.modelId = id;
		this.files = [];
		const src: ModelSource = { kind: 'url', url: new URL(`models/${entry.file}`, this.root).href, name: entry.file };
		return this.openSource(async () => src, keep);
	}

	/** A model and (optionally) its external data files, from the picker or a drop. */
	openFiles(files: File[]): Promise<void> {
		const model = files.find((f) => /\.onnx$/i.test(f.name)) ?? files[0];
		if (!model) return Promise.resolve();
		this.modelId = null;
		this.files = [model, ...files.filter((f) => f !== model)];
		// The file a link named: keep the link's layer, head and inputs.
		const keep = this.awaiting === model.name;
		this.awaiting = null;
		return this.openSource(() => this.readFiles(), keep);
	}

	/** The open model as a source a second worker can open (issue 6's backend diff); null: none open. */
	modelSource(): Promise<ModelSource> | null {
		const entry = this.modelId ? this.zoo.find((e) => e.id === this.modelId) : null;
		if (entry) return Promise.resolve({ kind: 'url', url: new URL(`models/${entry.file}`, this.root).href, name: entry.file });
		return this.files.length ? this.readFiles() : null;
	}

	private async readFiles(): Promise<ModelSource> {
		const [model, ...rest] = this.files;
		// Refused from the sizes alone, before a byte is read (the CLI's budget, browser flavour).
		const externalBytes = rest.reduce((n, f) => n + f.size, 0);
		checkModelSize({ name: model.name, bytes: model.size, externalBytes }, this.budget());
		const extra: ExtraFile[] = await Promise.all(rest.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
		// The worker streams the model itself from disk, reporting bytes read of total.
		return { kind: 'file', file: model, name: model.name, extra };
	}

	private openSource(source: () => Promise<ModelSource>, keepView: boolean): Promise<void> {
		if (!keepView) this.input = this.modelId ? { text: this.input.text } : {};
		return this.request(async (c) => {
			const src = await source();
			return c.open(src, { backend: this.backendChoice, captureSet: this.capture, input: this.input, budget: this.budget().bytes, layer: this.layer }, this.onProgress);
		}, keepView, true);
	}

	/** Same model, other backend: open it again (the view stays). */
	setBackend(b: BackendChoice): Promise<void> {
		this.backendChoice = b;
		return this.reopen();
	}

	/** New inputs: re-run the open session. */
	rerun(input: InputOptions): Promise<void> {
		this.input = input;
		if (this.stale) return this.reopen();
		return this.request((c) => c.run(input, this.onProgress, this.layer), true);
	}

	private async show(r: ResultMessage, keepView: boolean): Promise<void> {
		this.result = r;
		this.structure = r.structure;
		if (this.follow) {
			const i = r.structure.roles.findIndex((x) => x.hook === this.follow);
			if (i >= 0 && r.tensors[i]) this.selected = r.tensors[i].name;
			this.follow = null;
		}
		// Same inputs again (the usual case): keep the object, so fields being typed in stay as they are.
		if (JSON.stringify(r.input) !== JSON.stringify(this.input)) this.input = r.input;
		if (!keepView) {
			this.selected = null;
			this.slice = null;
		}
		const restore = this.restore;
		this.restore = null;
		if (restore?.tensor && this.byName.has(restore.tensor)) this.selected = restore.tensor;
		if (restore?.pin) this.pin = { source: 'attention', ...restore.pin };
		this.clampView();
		installHook(r, r.structure);
		this.message = describeResult(r);
		if (!r.structure.attention.length) this.message += ' · no attention pattern found';
		await this.drawn();
	}

	/** "ready" only once every view has drawn what is now open: effects run, then one frame. */
	private async drawn(): Promise<void> {
		await tick();
		await new Promise((res) => requestAnimationFrame(() => res(null)));
		if (this.phase === 'loading') this.phase = 'ready';
		this.fraction = null;
	}

	private clampView(): void {
		this.layer = Math.min(this.layer, Math.max(0, this.layers - 1));
		this.head = this.head < this.heads ? this.head : 0;
		if (this.selected && !this.byName.has(this.selected)) this.selected = null;
		if (this.tensor) this.slice = validSlice(this.slice, this.tensor.dims);
		const c = this.pin;
		if (c && c.source === 'attention' && this.pattern) {
			const d = this.pattern.dims;
			if (c.row >= d[d.length - 2] || c.col >= d[d.length - 1]) this.pin = null;
		}
		if (c && c.source === 'tensor' && !this.tensor) this.pin = null;
	}

	setLayer(l: number): void {
		if (!this.layers) return;
		const next = Math.min(Math.max(0, l), this.layers - 1);
		if (next === this.layer) return;
		const role = this.selected ? this.roleOf(this.selected) : null;
		this.layer = next;
		// The tensor panel follows: the same hook in the new layer, where there is one.
		if (role?.hook?.startsWith('blocks.')) {
			const want = role.hook.replace(/^blocks\.\d+\./, `blocks.${next}.`);
			const found = this.result?.tensors.find((_, i) => this.structure?.roles[i]?.hook === want);
			if (found) this.select(found.name);
			else this.follow = want;
		}
		this.clampView();
		// Selective capture: that layer's tensors are one more forward pass on the same session.
		const cap = this.result?.capture;
		if (cap?.mode === 'selective' && cap.layer !== next) void (this.stale ? this.reopen() : this.request((c) => c.run(this.input, this.onProgress, next), true));
		else this.follow = null;
	}

	setHead(h: number): void {
		if (this.heads) this.head = Math.min(Math.max(0, h), this.heads - 1);
	}

	select(name: string | null): void {
		if (this.pin?.source === 'tensor' && name !== this.selected) this.pin = null;
		this.selected = name;
		const t = name ? this.byName.get(name) : null;
		this.slice = t ? validSlice(this.slice, t.dims) : null;
	}

	setSlice(s: Slice): void {
		if (this.tensor) this.slice = validSlice(s, this.tensor.dims);
	}

	roleOf(name: string): { hook: string | null; layer: number | null } | null {
		const i = this.result?.tensors.findIndex((t) => t.name === name) ?? -1;
		return i >= 0 ? (this.structure?.roles[i] ?? null) : null;
	}

	/** Role overrides: recognition runs again in the worker and every view follows. */
	async setOverrides(list: Override[]): Promise<void> {
		if (!this.client || !this.result) return;
		if (this.stale) await this.reopen();
		if (this.stale || !this.result) return;
		const r = this.result;
		const token = ++this.latest;
		this.phase = 'loading';
		this.error = null;
		try {
			const m = await this.client.analyze(list);
			if (token !== this.latest) return;
			this.structure = m.structure;
			this.clampView();
			installHook(r, m.structure);
			await this.drawn();
		} catch (e) {
			if (token === this.latest) this.fail(e);
		}
	}

	hoverCell(c: CellRef | null): void {
		const h = this.hover;
		if (h === c || (h && c && h.source === c.source && h.row === c.row && h.col === c.col)) return;
		this.hover = c;
	}

	togglePin(c: CellRef): void {
		const p = this.pin;
		this.pin = p && p.source === c.source && p.row === c.row && p.col === c.col ? null : c;
	}

	unpin(): void {
		this.pin = null;
	}

	params(): ViewParams {
		const file = this.modelId ? null : (this.awaiting ?? this.result?.model.name ?? null);
		const pin = this.pin?.source === 'attention' ? { row: this.pin.row, col: this.pin.col } : null;
		const roles = this.structure?.overrides ?? null;
		return { model: this.modelId, backend: this.backendChoice, layer: this.layer, head: this.head, input: this.input, capture: this.capture, file, pin, tensor: this.selected, roles };
	}
}
