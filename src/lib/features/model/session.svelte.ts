// The runtime session of the page: one worker, the model open in it and how (zoo id or files,
// backend, capture set, inputs, memory budget), the newest request's result, its progress and its
// error. It knows nothing of layers shown or cells hovered: after each result it calls `onShow`.
import type { BackendChoice } from '$lib/worker/ep';
import { describeProgress, describeResult } from '$lib/worker/progress';
import { installHook } from '$lib/worker/test-hook';
import { withoutTensors } from '$lib/worker/held';
import { loadZoo, type ZooEntry } from '$lib/worker/zoo';
import type { InputOptions, ModelSource, ProgressMessage, ResultMessage, Stage, StructureInfo } from '$lib/worker/protocol';
import type { Override } from '$lib/analysis/types';
import type { Backend } from '$lib/runtime/capture';
import { META_VOCAB } from '$lib/runtime/inputs';
import { storeOf } from '$lib/tensor';
import type { Budget } from '$lib/runtime/limits';
import { pageBudget, pageBudgetBytes } from './budget';
import { errorText, latestWins, nextFrame, zooListUrl, zooSource, type Connect, type Runtime } from './runtime';
import { pickedFiles, type PickedFiles } from './files';
import { folderSource } from './session-source';
import { failedStep, sessionError, type FailedStep, type SessionError } from './session-failure';

export type Phase = 'loading' | 'ready' | 'error';
export type CaptureChoice = 'all' | 'semantic';

export interface SessionOptions {
	root: URL;
	connect: Connect;
	/** The layer selective capture fetches (the one shown). */
	layer: () => number;
	/** The head summary capture computes exactly (the one shown). */
	head?: () => number;
	/** A result (`run`) or a new structure arrived; `keepView`: the same model and view again. */
	onShow?: (keepView: boolean, run: boolean) => void;
	/** Resolves once every view has drawn what is open (effects, then one frame, in the page). */
	settle?: () => Promise<void>;
	/** navigator.deviceMemory where the browser reports it. */
	deviceMemoryGiB?: number | null;
}

export class RuntimeSession {
	phase = $state<Phase>('loading');
	message = $state('starting');
	/** Bytes read of total while fetching (null: not fetching or unknown total). */
	fraction = $state<number | null>(null);
	/** The last request's failure: what, at which step, opening which model. */
	error = $state<SessionError | null>(null);
	/** Said next to the status (a URL that could not be followed as written, and what was done instead). */
	note = $state<string | null>(null);
	zoo = $state.raw<ZooEntry[]>([]);
	/** The zoo id open, or null for a model opened from files. */
	modelId = $state<string | null>(null);
	backendChoice = $state<BackendChoice>('auto');
	capture = $state<CaptureChoice>('all');
	input = $state.raw<InputOptions>({});
	result = $state.raw<ResultMessage | null>(null);
	structure = $state.raw<StructureInfo | null>(null);
	/** What the last layer step or head switch cost ("head 4: one forward pass, 1.9 s"), said after the result. */
	step = $state<string | null>(null);
	/** A link to a local file was opened: its name, until that file is opened again. */
	awaiting = $state<string | null>(null);
	/** A model folder's variant (`?variant=`); null: its default. */
	variant = $state<string | null>(null);
	/** `?budget=` as written (a size such as 1200M, or a bare number of MiB); null: the default. */
	budgetSetting: string | null = null;

	readonly backend = $derived<Backend | null>(this.result?.backend ?? null);
	readonly byName = $derived(storeOf(this.result?.tensors ?? []));
	readonly layers = $derived(this.structure?.layers ?? 0);
	/** Text in: a character vocabulary in the metadata, or a model folder's tokenizer. */
	readonly textModel = $derived(!!this.result && (META_VOCAB in this.result.model.metadata || !!this.result.folder?.tokenizer));
	readonly health = $derived(this.result?.health ?? null);
	/** The zoo id, else the open file's name (captions, file names, the compare view's "A"). */
	readonly modelName = $derived(this.modelId ?? this.result?.model.name ?? null);
	/** Tells one open model from another (a new one needs a new session in a second worker). */
	readonly modelKey = $derived(this.modelId ?? (this.result ? `file:${this.result.model.name}:${this.result.model.bytes}` : null));

	private client: Runtime | null = null;
	private files: PickedFiles | null = null;
	private failures = 0;
	private readonly latest = latestWins();
	/** What the view shows: put back when opening another model fails, so the view stays. */
	private shown: { modelId: string | null; files: PickedFiles | null; variant: string | null; input: InputOptions } | null = null;
	/** An open failed after the worker let go of the shown model: the next request opens it again first. */
	private stale = false;
	/** The request's last progress stage, and the model it is opening (null: not an open). */
	private stage: Stage | null = null;
	private opening: string | null = null;

	constructor(private readonly o: SessionOptions) {}

	start(p: { backend: BackendChoice; capture: CaptureChoice; input: InputOptions; budget: string | null; variant?: string | null }): void {
		this.client = this.o.connect();
		this.variant = p.variant ?? null;
		this.backendChoice = p.backend;
		this.capture = p.capture;
		this.input = p.input;
		this.budgetSetting = p.budget;
	}

	async loadZoo(): Promise<void> {
		this.message = 'reading the model list';
		this.zoo = await loadZoo(zooListUrl(this.o.root));
	}

	/** The memory budget (limits.ts), from ?budget= where given; throws on a malformed one. */
	budget(): Budget {
		return pageBudget(this.budgetSetting, this.o.deviceMemoryGiB ?? null);
	}

	/** The budget in bytes, or null when ?budget= is malformed (opening says so). */
	budgetBytes(): number | null {
		return pageBudgetBytes(this.budgetSetting, this.o.deviceMemoryGiB ?? null);
	}

	dispose(): void {
		this.latest.cancel();
		this.client?.dispose();
		this.client = null;
	}

	/** `step`: what failed, when not a request's own (a dropped folder that could not be read). */
	fail(e: unknown, step?: FailedStep): void {
		this.phase = 'error';
		const at = step ?? failedStep(this.stage, this.opening !== null);
		this.error = sessionError(e, ++this.failures, at, this.opening, errorText);
		this.opening = null;
		this.stage = null;
		this.message = 'failed';
		this.fraction = null;
	}

	private onProgress = (p: ProgressMessage) => {
		this.stage = p.stage;
		this.message = describeProgress(p);
		this.fraction = p.stage === 'fetch' && p.total && p.loaded !== undefined ? p.loaded / p.total : null;
	};

	/** A request to the worker; a newer one makes this one's answer stale. */
	private async request(make: (c: Runtime) => Promise<ResultMessage>, keepView: boolean, opening: string | null = null): Promise<void> {
		if (!this.client) return;
		const current = this.latest.next();
		this.phase = 'loading';
		this.error = null;
		this.stage = null;
		this.opening = opening;
		try {
			const r = await make(this.client);
			if (!current()) return;
			this.opening = null;
			this.shown = { modelId: this.modelId, files: this.files, variant: this.variant, input: this.input };
			this.stale = false;
			await this.show(r, keepView);
		} catch (e) {
			if (!current()) return;
			this.fail(e);
			// The previous model stays on screen (and in the URL) until a new one is ready.
			if (opening !== null && this.shown && this.result) {
				this.modelId = this.shown.modelId;
				this.files = this.shown.files;
				this.variant = this.shown.variant;
				this.input = this.shown.input;
				this.stale = true;
			}
		}
	}

	private async show(r: ResultMessage, keepView: boolean): Promise<void> {
		this.result = r;
		this.structure = r.structure;
		// Same inputs again (the usual case): keep the object, so fields being typed in stay as they are.
		if (JSON.stringify(r.input) !== JSON.stringify(this.input)) this.input = r.input;
		this.o.onShow?.(keepView, true);
		installHook(r, r.structure);
		this.message = describeResult(r) + (r.structure.attention.length ? '' : ' · no attention pattern found');
		this.sayStep(r);
		await this.drawn();
	}

	/** "ready" only once every view has drawn what is now open. */
	private async drawn(): Promise<void> {
		await (this.o.settle ?? nextFrame)();
		if (this.phase === 'loading') this.phase = 'ready';
		this.fraction = null;
	}

	/** The shown model again, on the worker (after a failed open, or another backend). */
	private reopen(): Promise<void> {
		if (this.modelId) return this.openZoo(this.modelId, true);
		if (this.files) return this.openSource(() => this.readFiles(), true, this.files.name);
		return Promise.resolve();
	}

	/** A link made for a local file: nothing to open until the user picks that file again. */
	awaitFile(name: string): void {
		this.awaiting = name;
		this.modelId = null;
		this.phase = 'ready';
		this.message = `this link is for the local file ${name}: open it again to restore the view`;
	}

	/** `keep`: keep the inputs and the view (same model again, or the first open from the URL). */
	openZoo(id: string, keep = this.modelId === id): Promise<void> {
		this.awaiting = null;
		this.note = null;
		const entry = this.zoo.find((e) => e.id === id);
		if (!entry) {
			this.opening = id;
			this.fail(new Error(`No model "${id}" in the zoo (have: ${this.zoo.map((x) => x.id).join(', ')}).`));
			return Promise.resolve();
		}
		this.modelId = id;
		this.files = null;
		return this.openSource(async () => zooSource(this.o.root, entry), keep, id);
	}

	/** A model with its external data, tokenizer.json and config.json, from the file picker. */
	openFiles(files: File[]): Promise<void> {
		const picked = pickedFiles(files);
		return picked ? this.openFolder(picked) : Promise.resolve();
	}

	/** A model folder (a directory picked or dropped) or several files at once. */
	openFolder(picked: PickedFiles): Promise<void> {
		this.modelId = null;
		this.note = null;
		// The file a link named: keep the link's layer, head, inputs and variant.
		const keep = this.awaiting !== null && (this.awaiting === picked.name || picked.entries.some((e) => e.path.endsWith(this.awaiting!)));
		if (!keep) this.variant = null;
		this.files = picked;
		this.awaiting = null;
		return this.openSource(() => this.readFiles(), keep, picked.name);
	}

	/** Another variant of the open folder (model_q4, decoder_model_merged ...): opened with the same inputs. */
	setVariant(name: string): Promise<void> {
		this.variant = name;
		return this.files ? this.openSource(() => this.readFiles(), true, this.files.name) : Promise.resolve();
	}

	/** The open model as a source a second worker can open; null: none open. */
	modelSource(): Promise<ModelSource> | null {
		const entry = this.modelId ? this.zoo.find((e) => e.id === this.modelId) : null;
		if (entry) return Promise.resolve(zooSource(this.o.root, entry));
		return this.files ? this.readFiles() : null;
	}

	private async readFiles(): Promise<ModelSource> {
		return folderSource(this.files!, this.variant, this.budget());
	}

	/** `name`: the model being opened, named if it fails. */
	private openSource(source: () => Promise<ModelSource>, keepView: boolean, name: string): Promise<void> {
		if (!keepView) this.input = this.modelId ? { text: this.input.text } : {};
		return this.request(
			async (c) => {
				const src = await source();
				const opts = {
					backend: this.backendChoice,
					captureSet: this.capture,
					input: this.input,
					budget: this.budget().bytes,
					layer: this.o.layer(),
					head: this.o.head?.()
				};
				return c.open(src, opts, this.onProgress);
			},
			keepView,
			name
		);
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
		return this.request((c) => c.run(input, this.onProgress, this.o.layer(), this.o.head?.()), true);
	}

	/** Selective or summary capture: the shown layer's tensors, one more forward pass on the same session. */
	fetchLayer(): Promise<void> {
		this.stepping = `layer ${this.o.layer() + 1}`;
		this.letGo();
		return this.rerun(this.input);
	}

	/** Summary capture: the shown head's exact pattern, one more forward pass on the same session. */
	fetchHead(): Promise<void> {
		this.stepping = `head ${(this.o.head?.() ?? 0) + 1}`;
		this.letGo();
		return this.rerun(this.input);
	}

	/** Before a step re-runs: the tensors it replaces go now, so two results' buffers are never held at once (worker/held.ts). */
	private letGo(): void {
		if (!this.result || this.stale) return;
		this.result = withoutTensors(this.result);
		installHook(this.result, this.structure ?? this.result.structure);
	}

	/** A head switch answered from the patterns the page holds (full or selective capture): no run. */
	heldHead(head: number): void {
		this.step = `head ${head + 1}: from held tensors`;
		if (this.result) this.message = `${describeResult(this.result)} · ${this.step}`;
	}

	/** The step being fetched, said once its result is in. */
	private stepping: string | null = null;

	private sayStep(r: ResultMessage): void {
		const what = this.stepping;
		this.stepping = null;
		this.step = what ? `${what}: one forward pass, ${(r.timings.runMs / 1000).toFixed(1)} s` : null;
		if (this.step) this.message += ` · ${this.step}`;
	}

	/** Role overrides: recognition runs again in the worker and every view follows. */
	async setOverrides(list: Override[]): Promise<void> {
		if (!this.client || !this.result) return;
		if (this.stale) await this.reopen();
		if (this.stale || !this.result || !this.client) return;
		const r = this.result;
		const current = this.latest.next();
		this.phase = 'loading';
		this.error = null;
		try {
			const m = await this.client.analyze(list);
			if (!current()) return;
			this.structure = m.structure;
			this.o.onShow?.(true, false);
			installHook(r, m.structure);
			await this.drawn();
		} catch (e) {
			if (current()) this.fail(e);
		}
	}
}
