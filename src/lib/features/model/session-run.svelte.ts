// The session's requests to its worker and their results: the newest answer wins, a layer step or
// head switch re-runs the open session (and lets go of the tensors it replaces first), role
// overrides re-analyse. Which model is open, and how it is opened, is the subclass's (session.svelte.ts).
import { describeResult } from '$lib/worker/progress';
import { installHook } from '$lib/worker/test-hook';
import { withoutTensors } from '$lib/worker/held';
import type { InputOptions, ResultMessage, StructureInfo } from '$lib/worker/protocol';
import type { Override } from '$lib/analysis/types';
import type { Backend } from '$lib/runtime/capture';
import { META_VOCAB } from '$lib/runtime/inputs';
import { storeOf } from '$lib/tensor';
import type { Runtime } from './runtime';
import { SessionStatus } from './session-status.svelte';

export abstract class SessionRuns extends SessionStatus {
	input = $state.raw<InputOptions>({});
	result = $state.raw<ResultMessage | null>(null);
	structure = $state.raw<StructureInfo | null>(null);
	/** What the last layer step or head switch cost ("head 4: one forward pass, 1.9 s"), said after the result. */
	step = $state<string | null>(null);

	readonly backend = $derived<Backend | null>(this.result?.backend ?? null);
	readonly byName = $derived(storeOf(this.result?.tensors ?? []));
	readonly layers = $derived(this.structure?.layers ?? 0);
	/** Text in: a character vocabulary in the metadata, or a model folder's tokenizer. */
	readonly textModel = $derived(!!this.result && (META_VOCAB in this.result.model.metadata || !!this.result.folder?.tokenizer));
	readonly health = $derived(this.result?.health ?? null);

	protected client: Runtime | null = null;
	/** An open failed after the worker let go of the shown model: the next request opens it again first. */
	protected stale = false;
	/** The step being fetched, said once its result is in. */
	private stepping: string | null = null;

	/** The shown model again, on the worker (after a failed open, or another backend). */
	protected abstract reopen(): Promise<void>;
	/** A result is shown: remember which model and inputs it is of. */
	protected abstract holdShown(): void;
	/** Opening another model failed: put back the shown one's; false when none was shown. */
	protected abstract putBackShown(): boolean;

	/** A request to the worker; a newer one makes this one's answer stale. */
	protected async request(make: (c: Runtime) => Promise<ResultMessage>, keepView: boolean, opening: string | null = null): Promise<void> {
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
			this.holdShown();
			this.stale = false;
			await this.show(r, keepView);
		} catch (e) {
			if (!current()) return;
			this.fail(e);
			// The previous model stays on screen (and in the URL) until a new one is ready.
			if (opening !== null && this.result && this.putBackShown()) this.stale = true;
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
