// What every view that runs a model shares: the one place a runtime worker is made, the zoo
// model as a source, and "the latest request wins" (an answer to an older request is dropped).
import { tick } from 'svelte';
import { RuntimeClient } from '$lib/worker/client';
import type { ModelSource } from '$lib/worker/protocol';
import type { ZooEntry } from '$lib/worker/zoo';

/** The part of RuntimeClient the page uses (tests give a fake one). */
export type Runtime = Pick<RuntimeClient, 'open' | 'run' | 'analyze' | 'dispose'>;
export type Connect = () => Runtime;

/** Workers for the app under `root` (onnxruntime's files are in its ort/). */
export function connector(root: URL): Connect {
	const ortBase = new URL('ort/', root).href;
	return () => new RuntimeClient(ortBase);
}

/** The zoo's list (models/index.json) under the app's root. */
export function zooListUrl(root: URL): string {
	return new URL('models/index.json', root).href;
}

/** A zoo model, fetched from the app's own models/. */
export function zooSource(root: URL, entry: Pick<ZooEntry, 'file'>): ModelSource {
	return { kind: 'url', url: new URL(`models/${entry.file}`, root).href, name: entry.file };
}

export interface Latest {
	/** Starts a request; the returned check says whether it is still the newest. */
	next(): () => boolean;
	/** Makes every request so far stale (closing a view). */
	cancel(): void;
}

export function latestWins(): Latest {
	let n = 0;
	return {
		next() {
			const mine = ++n;
			return () => mine === n;
		},
		cancel() {
			n++;
		}
	};
}

/** An error as one line of text. */
export function errorText(e: unknown): string {
	return e instanceof Error ? e.message : String(e);
}

/** Resolves once Svelte has flushed its effects and the browser has painted a frame. */
export async function nextFrame(): Promise<void> {
	await tick();
	await new Promise((res) => requestAnimationFrame(() => res(null)));
}
