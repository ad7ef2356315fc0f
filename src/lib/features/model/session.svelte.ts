// The runtime session of the page: one worker, the model open in it and how (zoo id or files,
// backend, capture set, inputs, memory budget). Its requests and results are session-run's, what the
// status line says session-status's. It knows nothing of layers shown or cells hovered: after each
// result it calls `onShow`.
import type { BackendChoice } from '$lib/worker/ep';
import { loadZoo, type ZooEntry } from '$lib/worker/zoo';
import type { InputOptions, ModelSource } from '$lib/worker/protocol';
import type { Budget } from '$lib/runtime/limits';
import { pageBudget, pageBudgetBytes } from './budget';
import { zooListUrl, zooSource } from './runtime';
import { pickedFiles, type PickedFiles } from './files';
import { folderSource } from './session-source';
import { SessionRuns } from './session-run.svelte';

export type { Phase, SessionOptions } from './session-status.svelte';
export type CaptureChoice = 'all' | 'semantic';

export class RuntimeSession extends SessionRuns {
	zoo = $state.raw<ZooEntry[]>([]);
	/** The zoo id open, or null for a model opened from files. */
	modelId = $state<string | null>(null);
	backendChoice = $state<BackendChoice>('auto');
	capture = $state<CaptureChoice>('all');
	/** A link to a local file was opened: its name, until that file is opened again. */
	awaiting = $state<string | null>(null);
	/** A model folder's variant (`?variant=`); null: its default. */
	variant = $state<string | null>(null);
	/** `?budget=` as written (a size such as 1200M, or a bare number of MiB); null: the default. */
	budgetSetting: string | null = null;

	/** The zoo id, else the open file's name (captions, file names, the compare view's "A"). */
	readonly modelName = $derived(this.modelId ?? this.result?.model.name ?? null);
	/** Tells one open model from another (a new one needs a new session in a second worker). */
	readonly modelKey = $derived(this.modelId ?? (this.result ? `file:${this.result.model.name}:${this.result.model.bytes}` : null));

	private files: PickedFiles | null = null;
	/** What the view shows: put back when opening another model fails, so the view stays. */
	private shown: { modelId: string | null; files: PickedFiles | null; variant: string | null; input: InputOptions } | null = null;

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

	protected holdShown(): void {
		this.shown = { modelId: this.modelId, files: this.files, variant: this.variant, input: this.input };
	}

	protected putBackShown(): boolean {
		if (!this.shown) return false;
		this.modelId = this.shown.modelId;
		this.files = this.shown.files;
		this.variant = this.shown.variant;
		this.input = this.shown.input;
		return true;
	}

	protected reopen(): Promise<void> {
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
}
