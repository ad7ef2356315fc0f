// Which execution provider a session gets. One EP per session: WebGPU first when the browser has
// an adapter, WASM when it has not or WebGPU session creation fails; `?backend=` forces one.
import type { Backend } from '../runtime/capture.js';
import { ortReason } from '../onnx/errors.js';

export type BackendChoice = Backend | 'auto';

export function parseBackend(value: string | null | undefined): BackendChoice {
	return value === 'webgpu' || value === 'wasm' ? value : 'auto';
}

/** Probes for a WebGPU adapter; returns why there is none, or null when there is one. */
export async function webgpuUnavailable(nav: { gpu?: { requestAdapter(): Promise<unknown> } } | undefined): Promise<string | null> {
	if (!nav?.gpu) return 'this browser has no WebGPU (navigator.gpu is missing)';
	try {
		const adapter = await nav.gpu.requestAdapter();
		return adapter ? null : 'no WebGPU adapter was found';
	} catch (e) {
		return `requesting a WebGPU adapter failed: ${(e as Error).message}`;
	}
}

export interface Attempt {
	backend: Backend;
	/** Why an earlier choice was skipped, for the status line (null: first choice). */
	reason: string | null;
}

/**
 * The EPs to try, in order. A forced backend is tried alone (the user asked for it: a failure is
 * an error, not a silent switch). Auto tries WebGPU then WASM, or only WASM when no adapter.
 */
export function plan(choice: BackendChoice, noGpuReason: string | null): Attempt[] {
	if (choice === 'wasm') return [{ backend: 'wasm', reason: null }];
	if (choice === 'webgpu') return [{ backend: 'webgpu', reason: null }];
	if (noGpuReason) return [{ backend: 'wasm', reason: noGpuReason }];
	return [
		{ backend: 'webgpu', reason: null },
		{ backend: 'wasm', reason: null }
	];
}

export function fallbackReason(failed: Backend, e: unknown): string {
	return `creating the session on ${label(failed)} failed: ${ortReason(e)}`;
}

export function label(b: Backend): string {
	return b === 'webgpu' ? 'WebGPU' : 'WASM';
}
