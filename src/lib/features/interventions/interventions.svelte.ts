// The what-if view's state: the interventions listed (from the URL or added in the view), a
// second worker that opens the same model with the graph rewritten for them, and the diff of its
// run against the page's clean run (report/diff.ts, as the backend diff compares backends).
import type { ResultMessage } from '$lib/worker/protocol';
import { describeProgress } from '$lib/worker/progress';
import { diffStores, type BackendDiff } from '$lib/report/diff';
import type { Intervention } from '$lib/intervene';
import { hookMap, storeFrom, type DiffSource } from '../diff';
import { errorText, latestWins, type Connect, type Runtime } from '../model';
import { interventionOf, toggleEntry, type Entry, type Target, type WhatIfParams } from './url';

export type WhatIfPhase = 'idle' | 'loading' | 'ready' | 'error';

/** The entries as interventions, and the first entry that is not one (with why). */
export function parseEntries(entries: readonly Entry[]): { list: Intervention[]; bad: { entry: Entry; why: string } | null } {
	const list: Intervention[] = [];
	for (const entry of entries) {
		try {
			list.push(interventionOf(entry));
		} catch (e) {
			return { list, bad: { entry, why: errorText(e) } };
		}
	}
	return { list, bad: null };
}

export class WhatIfModel {
	entries = $state<Entry[]>([]);
	source = $state('');
	/** The attribution's target (and foil) picked in the lens; null: the top token at the last position. */
	target = $state.raw<Target | null>(null);
	phase = $state<WhatIfPhase>('idle');
	message = $state('');
	error = $state<string | null>(null);
	/** The intervened run, and the page's run it was made for. */
	run = $state.raw<ResultMessage | null>(null);
	main = $state.raw<ResultMessage | null>(null);

	readonly diff = $derived.by((): BackendDiff | null => {
		const { run, main } = this;
		if (!run || !main || this.phase !== 'ready') return null;
		return diffStores(storeFrom(main.tensors), storeFrom(run.tensors), {
			order: main.tensors.map((t) => t.name),
			seq: main.tokens?.length ?? null,
			hooks: hookMap(main, this.src().structure)
		});
	});

	private client: Runtime | null = null;
	private readonly latest = latestWins();
	private synced = '';

	constructor(
		private readonly connect: Connect,
		private readonly src: () => DiffSource,
		initial: WhatIfParams | null
	) {
		this.entries = initial?.entries ?? [];
		this.source = initial?.source ?? '';
		this.target = initial?.target ?? null;
	}

	params(): WhatIfParams {
		return { entries: this.entries, source: this.source, ...(this.target ? { target: this.target } : {}) };
	}

	/** Adds the entry, or removes it where it is listed (the head grid's and the flow's toggles). */
	toggle(e: Entry): void {
		this.entries = toggleEntry(this.params(), e).entries;
		void this.sync();
	}

	/**
	 * A lens cell: the token at that position becomes the target. With `foil` (shift-click), at the
	 * position of the target shown (`shown`: the attribution on screen), it becomes the foil.
	 */
	pick(id: number, position: number, foil: boolean, shown: { id: number; position: number } | null): void {
		const t = this.target ?? (shown ? { ...shown, foil: null } : null);
		this.target = foil && t && t.position === position && t.id !== id ? { ...t, foil: id } : { id, position, foil: null };
		void this.sync();
	}

	clearTarget(): void {
		this.target = null;
		void this.sync();
	}

	add(e: Entry): void {
		this.entries = [...this.entries, e];
		void this.sync();
	}

	remove(i: number): void {
		this.entries = this.entries.filter((_, k) => k !== i);
		void this.sync();
	}

	setSource(text: string): void {
		this.source = text;
		void this.sync();
	}

	/** Runs the interventions on the page's model and inputs (again when either changed). */
	async sync(): Promise<void> {
		const { result: main, source, budget } = this.src();
		if (!main) return;
		const key = JSON.stringify([this.entries, this.source, this.target]);
		if (this.main === main && this.synced === key && this.phase !== 'error') return;
		const current = this.latest.next();
		this.synced = key;
		const { list, bad } = parseEntries(this.entries);
		if (bad) return this.fail(main, `${bad.entry.kind} ${bad.entry.spec}: ${bad.why}`);
		if (!list.length) {
			this.phase = 'idle';
			this.run = null;
			this.main = main;
			this.message = 'no interventions: add one below';
			return;
		}
		const patches = list.some((iv) => iv.kind === 'patch');
		if (patches && !this.source) return this.fail(main, "a patch copies from run B: give run B's text");
		this.phase = 'loading';
		this.error = null;
		this.message = `running with ${list.length} intervention(s)`;
		try {
			const s = source();
			if (!s) throw new Error('The model cannot be opened again (no source).');
			const c = (this.client ??= this.connect());
			const whatIf = {
				interventions: list,
				source: patches ? { ...main.input, text: this.source, ids: undefined } : null,
				lens: true,
				attribute: this.target ? { target: this.target.id, position: this.target.position, foil: this.target.foil ?? undefined } : {}
			};
			const r = await c.open(
				await s,
				{ backend: main.backend, captureSet: 'all', input: main.input, budget: budget ?? undefined, whatIf },
				(p) => {
					if (current()) this.message = describeProgress(p);
				}
			);
			if (!current()) return;
			this.run = r;
			this.main = main;
			this.phase = 'ready';
			this.message = `${r.tensors.length} tensors with ${list.length} intervention(s), against the page's clean run`;
		} catch (e) {
			if (current()) this.fail(main, errorText(e));
		}
	}

	private fail(main: ResultMessage, why: string): void {
		this.phase = 'error';
		this.error = why;
		this.run = null;
		this.main = main;
		this.message = 'failed';
	}

	dispose(): void {
		this.latest.cancel();
		this.client?.dispose();
		this.client = null;
	}
}
