// The page's handle on the runtime worker: one request at a time per id, promises for results,
// a callback for progress. The worker (and its session) lives as long as the handle.
import type {
	ErrorMessage,
	InputOptions,
	ModelSource,
	OpenRequest,
	ProgressMessage,
	ResultMessage,
	StructureMessage,
	WhatIfRequest,
	WorkerMessage,
	WorkerRequest
} from './protocol.js';
import type { Override } from '../analysis/index.js';
import type { BackendChoice } from './ep.js';
import type { CaptureSet } from '../runtime/index.js';

export class RuntimeError extends Error {
	constructor(
		message: string,
		readonly hint?: string
	) {
		super(message);
		this.name = 'RuntimeError';
	}
}

interface Pending {
	resolve: (r: ResultMessage | StructureMessage) => void;
	reject: (e: Error) => void;
	onProgress?: (p: ProgressMessage) => void;
}

export class RuntimeClient {
	private readonly worker: Worker;
	private readonly pending = new Map<number, Pending>();
	private next = 1;

	constructor(private readonly ortBase: string) {
		this.worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
		this.worker.onmessage = (ev: MessageEvent<WorkerMessage>) => this.receive(ev.data);
		this.worker.onerror = (ev: ErrorEvent) => this.failAll(`The runtime worker failed: ${ev.message || 'it could not be loaded'}.`);
		this.worker.onmessageerror = () => this.failAll('A message from the runtime worker could not be read.');
	}

	open(
		source: ModelSource,
		opts: {
			backend: BackendChoice;
			captureSet: CaptureSet;
			input?: InputOptions;
			budget?: number;
			layer?: number;
			head?: number;
			whatIf?: WhatIfRequest;
		},
		onProgress?: (p: ProgressMessage) => void
	): Promise<ResultMessage> {
		const id = this.next++;
		const req: OpenRequest = {
			type: 'open',
			id,
			source,
			backend: opts.backend,
			ortBase: this.ortBase,
			captureSet: opts.captureSet,
			input: opts.input ?? {},
			budget: opts.budget,
			layer: opts.layer,
			head: opts.head,
			whatIf: opts.whatIf
		};
		return this.send(req, [], onProgress) as Promise<ResultMessage>;
	}

	/** Re-run the open model with other inputs, on the session it already has (`layer`, `head`: what selective or summary capture fetches). */
	run(input: InputOptions, onProgress?: (p: ProgressMessage) => void, layer?: number, head?: number): Promise<ResultMessage> {
		return this.send({ type: 'run', id: this.next++, input, layer, head }, [], onProgress) as Promise<ResultMessage>;
	}

	/** Recognize the open model again with the user's role assignments (no re-run). */
	analyze(overrides: Override[]): Promise<StructureMessage> {
		return this.send({ type: 'analyze', id: this.next++, overrides }, []) as Promise<StructureMessage>;
	}

	dispose(): void {
		this.worker.terminate();
		this.failAll('The runtime was closed.');
	}

	private send(
		req: WorkerRequest,
		transfer: Transferable[],
		onProgress?: (p: ProgressMessage) => void
	): Promise<ResultMessage | StructureMessage> {
		return new Promise((resolve, reject) => {
			this.pending.set(req.id, { resolve, reject, onProgress });
			this.worker.postMessage(req, transfer);
		});
	}

	private receive(msg: WorkerMessage): void {
		const p = this.pending.get(msg.id);
		if (!p) return;
		if (msg.type === 'progress') return p.onProgress?.(msg);
		this.pending.delete(msg.id);
		if (msg.type === 'result' || msg.type === 'structure') p.resolve(msg);
		else p.reject(new RuntimeError((msg as ErrorMessage).message, (msg as ErrorMessage).hint));
	}

	private failAll(message: string): void {
		for (const p of this.pending.values()) p.reject(new RuntimeError(message));
		this.pending.clear();
	}
}
