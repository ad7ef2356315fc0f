// The second model of the compare view: a zoo model in its own worker, run on the same inputs as
// the page's model, or on B's own (a second text). B can be the page's own model (`@a`). The view
// follows the page's layer and head (clamped to this model's own), and re-runs B when its inputs change.
import type { BackendChoice } from '$lib/worker/ep';
import { describeProgress } from '$lib/worker/progress';
import type { InputOptions, ModelSource, ResultMessage, StructureInfo } from '$lib/worker/protocol';
import type { ZooEntry } from '$lib/worker/zoo';
import { StatsView } from '../charts';
import { errorText, latestWins, zooSource, type Connect, type Runtime } from '../model';

export type ComparePhase = 'idle' | 'loading' | 'ready' | 'error';

/** `?compare=@a`: B is the page's own model (two inputs on one model). Zoo ids never start with "@". */
export const SAME_MODEL = '@a';

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
	/** The inputs of the run shown (to re-run only when the page's change). */
	input = $state.raw<InputOptions | null>(null);
	readonly view = new StatsView(() => ({ result: this.result, structure: this.structure }));

	private client: Runtime | null = null;
	private readonly latest = latestWins();

	constructor(
		private readonly root: URL,
		private readonly connect: Connect
	) {}

	private async request(make: (c: Runtime) => Promise<ResultMessage>): Promise<void> {
		const current = this.latest.next();
		this.phase = 'loading';
		this.error = null;
		try {
			const r = await make((this.client ??= this.connect()));
			if (!current()) return;
			this.result = r;
			this.structure = r.structure;
			this.input = r.input;
			this.phase = 'ready';
			this.message = `${r.model.name} · ${r.backend}`;
		} catch (e) {
			if (!current()) return;
			this.phase = 'error';
			this.error = errorText(e);
		}
	}

	open(entry: ZooEntry, opts: { backend: BackendChoice; capture: 'all' | 'semantic'; input: InputOptions }): Promise<void> {
		this.id = entry.id;
		const src = zooSource(this.root, entry);
		return this.request((c) =>
			c.open(src, { backend: opts.backend, captureSet: opts.capture, input: opts.input }, (p) => (this.message = describeProgress(p)))
		);
	}

	/** The page's own model again (its bytes, file or folder), in this worker: B on other inputs. */
	openSource(
		source: Promise<ModelSource>,
		opts: { backend: BackendChoice; capture: 'all' | 'semantic'; input: InputOptions }
	): Promise<void> {
		this.id = SAME_MODEL;
		return this.request(async (c) =>
			c.open(
				await source,
				{ backend: opts.backend, captureSet: opts.capture, input: opts.input },
				(p) => (this.message = describeProgress(p))
			)
		);
	}

	/** Same session, new inputs (the page's, or B's own). */
	rerun(input: InputOptions): Promise<void> {
		if (!this.result) return Promise.resolve();
		return this.request((c) => c.run(input));
	}

	dispose(): void {
		this.latest.cancel();
		this.client?.dispose();
		this.client = null;
	}
}
