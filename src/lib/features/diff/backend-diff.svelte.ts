// The backend diff: the page's run (on one backend) against the same model, capture set and
// inputs run in a second worker on the other backend (one EP per session: WebGPU vs WASM), compared
// tensor by tensor with the report's diffStores. When the browser has no WebGPU adapter it says so
// instead of comparing WASM with itself.
import { label, webgpuUnavailable } from '$lib/worker/ep';
import { describeProgress } from '$lib/worker/progress';
import type { InputOptions, ModelSource, ResultMessage, StructureInfo } from '$lib/worker/protocol';
import type { Backend } from '$lib/runtime/capture';
import { DIFF_TOLERANCE, type BackendDiff } from '$lib/report/diff';
import { diffRuns, otherBackend, sidesOf, type Perturb } from './diff-view';
import { diffLengthError, errorText, inputOfB, latestWins, type Connect, type Runtime } from '../model';

/** The two runs differ in length: said as it is (errorText keeps the message). */
class DiffLengthError extends Error {}

export type DiffPhase = 'idle' | 'loading' | 'ready' | 'unavailable' | 'error';

/** What the diff needs from the page: its run, the structure shown, and how to open the model again. */
export interface DiffSource {
	result: ResultMessage | null;
	/** The memory budget (bytes) the page's worker planned the capture with (the same plan here). */
	budget: number | null;
	structure: StructureInfo | null;
	/** Identifies the open model (zoo id or file name and size): a new one opens a new session. */
	key: string | null;
	source: () => Promise<ModelSource> | null;
	/** B's own inputs (a second text): the second run stays on the page's backend and runs on these. */
	inputB?: InputOptions | null;
}

export class BackendDiffModel {
	phase = $state<DiffPhase>('idle');
	message = $state('');
	/** Why the other backend cannot run (no WebGPU adapter, or its session failed), said plainly. */
	unavailable = $state<string | null>(null);
	error = $state<string | null>(null);
	/** The run on the other backend. */
	other = $state.raw<ResultMessage | null>(null);
	/** The page's run the other one was made for (the diff compares exactly these two). */
	main = $state.raw<ResultMessage | null>(null);
	tolerance = $state(DIFF_TOLERANCE);
	selected = $state<string | null>(null);

	readonly sides = $derived(sidesOf(this.main, this.other));
	readonly diff = $derived.by((): BackendDiff | null => {
		const main = this.main;
		if (!this.other || !main || this.phase !== 'ready') return null;
		return diffRuns(main, this.other, { tolerance: this.tolerance, structure: this.src().structure, perturb: this.perturb });
	});

	private client: Runtime | null = null;
	private opened = '';
	private readonly latest = latestWins();
	private probe: Promise<string | null> | null = null;
	/** The inputs of the last second run asked for (JSON). */
	private asked = '';

	constructor(
		private readonly connect: Connect,
		private readonly src: () => DiffSource,
		/** Test-only: one element of the WebGPU run changed before diffing (`?perturb=`). */
		readonly perturb: Perturb | null = null
	) {}

	/** Brings the other run up to date with the page's run (called when that changes). */
	async sync(): Promise<void> {
		const { result: main, key, source, budget, inputB } = this.src();
		if (!main || !key) return;
		const input = inputOfB(main.input, inputB ?? null);
		const asked = JSON.stringify(input);
		if (this.main === main && this.phase !== 'error' && this.asked === asked) return;
		this.asked = asked;
		const current = this.latest.next();
		// B's own inputs: the same backend, other inputs (what the text changes); else the other backend.
		const want: Backend = inputB ? main.backend : otherBackend(main.backend);
		this.phase = 'loading';
		this.error = null;
		this.unavailable = null;
		this.message = inputB
			? `running the model on B's input to compare with the page's run`
			: `running the model on ${label(want)} to compare with the page's ${label(main.backend)} run`;
		if (want === 'webgpu' && (want !== main.backend || main.fallback)) {
			// The page is on WASM: is there a WebGPU adapter at all? (Probed once.)
			this.probe ??= webgpuUnavailable(navigator as unknown as Parameters<typeof webgpuUnavailable>[0]);
			const why = await this.probe;
			if (!current()) return;
			if (why) return this.noWebgpu(why);
		}
		const sessionKey = `${key}|${main.capture?.requested ?? main.captureSet}|${want}|${budget}`;
		try {
			const r = await this.runOther(main, want, input, sessionKey, source, budget, current);
			if (!current()) return;
			if (r.backend !== want) throw new Error(`The second run came back on ${label(r.backend)}, not ${label(want)}.`);
			if (JSON.stringify(r.input) !== JSON.stringify(input)) throw new Error('The second run used other inputs than asked for.');
			const [n, m] = [main.tokens?.length ?? 0, r.tokens?.length ?? 0];
			if (n !== m) throw new DiffLengthError(diffLengthError(n, m));
			this.other = r;
			this.main = main;
			if (this.selected && !r.tensors.some((t) => t.name === this.selected)) this.selected = null;
			this.phase = 'ready';
			this.message = inputB
				? `${r.tensors.length} tensors from the page's input (A) and B's, same model, capture set and backend (${label(want)})`
				: `${r.tensors.length} tensors from ${label(main.backend)} (the page) and ${label(want)}, same model, capture set and inputs`;
		} catch (e) {
			if (!current()) return;
			const msg = errorText(e);
			const ran = e instanceof DiffLengthError; // the run itself went fine: its session stays
			if (!ran) this.opened = '';
			this.other = null;
			this.main = main;
			// WebGPU failing to run is "unavailable" too: comparing WASM with itself would say nothing.
			if (want === 'webgpu' && !inputB && !ran) return this.noWebgpu(msg);
			this.phase = 'error';
			this.error = msg;
			this.message = 'failed';
		}
	}

	/** The second run: the open session again when it is the same model, backend and plan; else a new one. */
	private async runOther(
		main: ResultMessage,
		want: Backend,
		input: InputOptions,
		sessionKey: string,
		source: DiffSource['source'],
		budget: number | null,
		current: () => boolean
	): Promise<ResultMessage> {
		const c = (this.client ??= this.connect());
		const onProgress = (p: Parameters<typeof describeProgress>[0]) => {
			if (current()) this.message = `${label(want)}: ${describeProgress(p)}`;
		};
		// Selective capture: the same layer's tensors on the other side.
		const layer = main.capture?.layer ?? undefined;
		if (sessionKey === this.opened) return c.run(input, onProgress, layer);
		const s = source();
		if (!s) throw new Error('The model cannot be opened again (no source).');
		this.opened = '';
		const captureSet = (main.capture?.requested ?? main.captureSet) === 'semantic' ? 'semantic' : 'all';
		const r = await c.open(await s, { backend: want, captureSet, input, budget: budget ?? undefined, layer }, onProgress);
		this.opened = sessionKey;
		return r;
	}

	private noWebgpu(why: string): void {
		this.phase = 'unavailable';
		this.unavailable = why;
		this.other = null;
		this.main = this.src().result;
		this.message = 'WebGPU unavailable';
	}

	select(name: string | null): void {
		this.selected = name;
	}

	setTolerance(v: number): void {
		if (Number.isFinite(v) && v >= 0) this.tolerance = v;
	}

	dispose(): void {
		this.latest.cancel();
		this.client?.dispose();
		this.client = null;
	}
}
