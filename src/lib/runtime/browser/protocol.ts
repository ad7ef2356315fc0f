// Messages between the page and the runtime worker. Everything here is structured-cloneable;
// tensor data crosses as transferred ArrayBuffers (moved, not copied).
import type { Backend, CaptureSet } from '../capture.js';
import type { CapturedTensor } from '../store.js';
import type { BackendChoice } from './ep.js';

export type ModelSource = { kind: 'url'; url: string; name: string } | { kind: 'bytes'; bytes: ArrayBuffer; name: string };

export interface InputOptions {
	text?: string;
	seed?: number;
	seq?: number;
}

export interface OpenRequest {
	type: 'open';
	id: number;
	source: ModelSource;
	backend: BackendChoice;
	/** Absolute URL of the folder holding onnxruntime-web's .wasm/.mjs (the app's own /ort/). */
	ortBase: string;
	captureSet: CaptureSet;
	input: InputOptions;
}

/** Re-run the open session with other inputs (the session is kept). */
export interface RunRequest {
	type: 'run';
	id: number;
	input: InputOptions;
}

export type WorkerRequest = OpenRequest | RunRequest;

export type Stage = 'fetch' | 'read' | 'session' | 'run' | 'collect';

export interface ProgressMessage {
	type: 'progress';
	id: number;
	stage: Stage;
	message: string;
	loaded?: number;
	total?: number | null;
}

export interface TensorInfo {
	name: string;
	dtype: string;
	dims: (number | string | null)[] | null;
}

export interface ModelSummary {
	name: string;
	bytes: number;
	opset: number;
	inputs: TensorInfo[];
	outputs: TensorInfo[];
	metadata: Record<string, string>;
}

/** An attention pattern [1, H, S_q, S_k] (or heads folded, [H, S_q, S_k]) and its layer. */
export interface AttentionRef {
	layer: number;
	tensor: string;
	/** The recognizer found a mask (exact zeros are masked cells); null: not known. */
	masked: boolean | null;
}

export interface ResultMessage {
	type: 'result';
	id: number;
	backend: Backend;
	/** Why the preferred backend was not used (null: it was). */
	fallback: string | null;
	captureSet: CaptureSet;
	/** How attention patterns were found: the recognizer, or the first-Softmax heuristic. */
	attentionSource: 'analysis' | 'softmax-heuristic';
	/** Why the recognizer was not used, when it failed (null otherwise). */
	analysisError: string | null;
	model: ModelSummary;
	tensors: CapturedTensor[];
	attention: AttentionRef[];
	/** One label per position of the token input (null when the model has no token input). */
	tokens: string[] | null;
	timings: { sessionMs: number; runMs: number };
}

export interface ErrorMessage {
	type: 'error';
	id: number;
	message: string;
	hint?: string;
}

export type WorkerMessage = ProgressMessage | ResultMessage | ErrorMessage;
