// What the page says about the session's newest request: loading, ready or failed, the progress
// line and the error (what failed, at which step, opening which model). The requests set it.
import type { ProgressMessage, Stage } from '$lib/worker/protocol';
import { describeProgress } from '$lib/worker/progress';
import { errorText, latestWins, nextFrame, type Connect } from './runtime';
import { failedStep, sessionError, type FailedStep, type SessionError } from './session-failure';

export type Phase = 'loading' | 'ready' | 'error';

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

export class SessionStatus {
	phase = $state<Phase>('loading');
	message = $state('starting');
	/** Bytes read of total while fetching (null: not fetching or unknown total). */
	fraction = $state<number | null>(null);
	/** The last request's failure: what, at which step, opening which model. */
	error = $state<SessionError | null>(null);
	/** Said next to the status (a URL that could not be followed as written, and what was done instead). */
	note = $state<string | null>(null);

	private failures = 0;
	protected readonly latest = latestWins();
	/** The request's last progress stage, and the model it is opening (null: not an open). */
	protected stage: Stage | null = null;
	protected opening: string | null = null;

	constructor(protected readonly o: SessionOptions) {}

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

	protected onProgress = (p: ProgressMessage) => {
		this.stage = p.stage;
		this.message = describeProgress(p);
		this.fraction = p.stage === 'fetch' && p.total && p.loaded !== undefined ? p.loaded / p.total : null;
	};

	/** "ready" only once every view has drawn what is now open. */
	protected async drawn(): Promise<void> {
		await (this.o.settle ?? nextFrame)();
		if (this.phase === 'loading') this.phase = 'ready';
		this.fraction = null;
	}
}
