// Which execution provider a session gets. One EP per session: WebGPU first when the browser has
// an adapter and ORT's WebGPU EP has a kernel for every op of the graph, WASM when not or when
// WebGPU session creation fails; `?backend=` forces one.
import type { Backend } from '../runtime/capture.js';
import { ortReason } from '../onnx/errors.js';
import { lackingNames, type LackingOp } from './webgpu-ops.js';

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
 * an error, not a silent switch). Auto tries WebGPU then WASM, or only WASM when there is no
 * adapter or the graph has ops WebGPU has no kernel for (ORT would otherwise run those nodes on
 * its CPU EP inside the WebGPU session, copying tensors between the two at every such node).
 */
export function plan(choice: BackendChoice, noGpuReason: string | null, lacking: LackingOp[] = []): Attempt[] {
	if (choice === 'wasm') return [{ backend: 'wasm', reason: null }];
	if (choice === 'webgpu') return [{ backend: 'webgpu', reason: null }];
	if (noGpuReason) return [{ backend: 'wasm', reason: noGpuReason }];
	if (lacking.length) return [{ backend: 'wasm', reason: `WebGPU has no kernel for ${lackingNames(lacking)} here: ran on WASM` }];
	return [
		{ backend: 'webgpu', reason: null },
		{ backend: 'wasm', reason: null }
	];
}

/** Forced WebGPU on a graph with ops it lacks: ORT places those nodes on its CPU EP, silently. */
export function cpuNodesNote(lacking: LackingOp[]): string | null {
	if (!lacking.length) return null;
	const n = lacking.reduce((a, o) => a + o.nodes, 0);
	return `WebGPU has no kernel for ${lackingNames(lacking)}: ORT runs ${n === 1 ? 'that node' : `those ${n} nodes`} on the CPU (WASM) inside the WebGPU session`;
}

export function fallbackReason(failed: Backend, e: unknown): string {
	return `creating the session on ${label(failed)} failed: ${ortReason(e)}`;
}

export function label(b: Backend): string {
	return b === 'webgpu' ? 'WebGPU' : 'WASM';
}
