// The second model of the compare view (issue 5): a zoo model in its own worker session (a second
// RuntimeClient), run on the same inputs as the main model. It follows the main model's layer and
// head (clamped to its own), and re-runs when the main model's inputs change.
import { RuntimeClient } from '$lib/worker/client';
import type { BackendChoice } from '$lib/worker/ep';
import { describeProgress } from '$lib/worker/progress';
import type { InputOptions, ResultMessage, StructureInfo } from '$lib/worker/protocol';
import type { ZooEntry } from '$lib/worker/zoo';
import { StatsView } from '../charts/stats-view.svelte';

export type ComparePhase = 'idle' | 'loading' | 'ready' | 'error';

/** The compared model when `?compare=` names none: pre-LN's partner, else pre-LN. */
export function defaultPartner(mainId: string | null): string {
	return mainId === 'post-ln' ? 'pre-ln' : 'post-ln';
}

export class CompareModel {
	id = $state<string | null>(null);
	phase = $state<ComparePhase>('idle');
	message = $state('');
	error = $state<string | null>(null);
	result = $state.raw<ResultMessage | null>(null);
	structure = $state.raw<StructureInfo | null>(null);
	/** The inputs of the run shown (to re-run only when the main model's change). */
	input = $state.raw<InputOptions | null>(null);
	readonly view = new StatsView(() => ({ result: this.result, structure: this.structure }));
	readonly layers = $derived(this.structure?.layers ?? 0);
	readonly name = $derived(this.result?.model.name ?? this.id ?? '');

	private client: RuntimeClient | null = null;
	private latest = 0;

	constructor(private readonly root: URL) {}

	private ensure(): RuntimeClient {
		this.client ??= new RuntimeClient(new URL('ort/', this.root).href);
		return this.client;
	}

	private async request(make: (c: RuntimeClient) => Promise<ResultMessage>): Promise<void> {
		const token = ++this.latest;
		this.phase = 'loading';
		this.error = null;
		try {
			const r = await make(this.ensure());
			if (token !== this.latest) return;
			this.result = r;
			this.structure = r.structure;
			this.input = r.input;
			this.phase = 'ready';
			this.message = `${r.model.name} · ${r.backend}`;
		} catch (e) {
			if (token !== this.latest) return;
			this.phase = 'error';
			this.error = e instanceof Error ? e.message : String(e);
		}
	}

	open(entry: ZooEntry, opts: { backend: BackendChoice; capture: 'all' | 'semantic'; input: InputOptions }): Promise<void> {
		this.id = entry.id;
		const url = new URL(`models/${entry.file}`, this.root).href;
		return this.request((c) =>
			c.open({ kind: 'url', url, name: entry.file }, { backend: opts.backend, captureSet: opts.capture, input: opts.input }, (p) => (this.message = describeProgress(p)))
		);
	}

	/** Same session, the main model's new inputs. */
	rerun(input: InputOptions): Promise<void> {
		if (!this.result) return Promise.resolve();
		return this.request((c) => c.run(input));
	}

	/** The layer shown for the main model's layer (clamped to this model's depth). */
	layerFor(layer: number): number {
		return Math.min(layer, Math.max(0, this.layers - 1));
	}

	dispose(): void {
		this.latest++;
		this.client?.dispose();
		this.client = null;
	}
}
