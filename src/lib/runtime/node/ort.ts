// Node only: onnxruntime-web's Node build (WASM), configured once for command-line use.
import { availableParallelism } from 'node:os';
import type { OrtModule } from '../capture.js';

export interface OrtOptions {
	/** WASM threads; default: BLOCKSCOPE_THREADS, else all cores but one, at most 4. */
	threads?: number;
	/** Let ORT print its warnings (it is quiet otherwise, so stderr stays for our one-line errors). */
	verbose?: boolean;
}

export function defaultThreads(): number {
	const env = Number(process.env.BLOCKSCOPE_THREADS);
	if (Number.isInteger(env) && env > 0) return env;
	return Math.max(1, Math.min(4, availableParallelism() - 1));
}

export async function loadOrt(opts: OrtOptions = {}): Promise<OrtModule> {
	// `onnxruntime-web` resolves to dist/ort.node.min.mjs under Node (package "exports").
	const ort = (await import('onnxruntime-web')) as OrtModule;
	ort.env.wasm.numThreads = opts.threads ?? defaultThreads();
	ort.env.logLevel = opts.verbose ? 'warning' : 'error';
	return ort;
}
