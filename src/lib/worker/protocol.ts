// Messages between the page and the runtime worker. Everything here is structured-cloneable;
// tensor data crosses as transferred ArrayBuffers (moved, not copied).
import type { Backend, CaptureSet } from '../runtime/index.js';
import type { CapturedTensor } from '../tensor/index.js';
import type { BackendChoice } from './ep.js';
import type { Note, Override } from '../analysis/index.js';
import type { Health, StatsPlan, TensorSummary } from '../report/index.js';
import type { WhatIfRequest, WhatIfResult } from './what-if.js';
import type { ConfigHints } from '../analysis/index.js';
import type { DerivedEntry } from '../derive/index.js';
import type { InputSource } from '../runtime/index.js';
import type { LongCapture, LongLayer } from './protocol-long.js';

export type { WhatIfRequest, WhatIfResult };

export type { TensorSummary };
export type { LongCapture, LongLayer };

/** A side file of an uploaded model (external data), matched to the model's `location` by name. */
export interface ExtraFile {
	name: string;
	bytes: ArrayBuffer;
}

/** One file of a picked or dropped folder: its path inside it ("gpt2/onnx/model.onnx") and the file. */
export interface FolderEntry {
	path: string;
	file: Blob;
}

export type ModelSource =
	| { kind: 'url'; url: string; name: string }
	/** A picked or dropped file: the worker streams it from disk (progress in bytes, no extra copy). */
	| { kind: 'file'; file: Blob; name: string; extra?: ExtraFile[] }
	/**
	 * A model folder, or several files picked at once (`flat`: no directories, matched by name):
	 * the worker chooses the variant (`variant`, else the default), finds tokenizer.json and
	 * config.json, and reads only the files it needs.
	 */
	| { kind: 'folder'; name: string; files: FolderEntry[]; variant?: string | null; flat: boolean };

/** A source the model's bytes are read (and read again) from: a folder resolves to one. */
export type ByteSource = Exclude<ModelSource, { kind: 'folder' }>;

/** What was opened from a folder: its variants, the one open, the tokenizer and config.json hints. */
export interface FolderInfo {
	variant: string;
	variants: { name: string; path: string; size: number; nameDtype: string }[];
	tokenizer: { file: string; type: string } | null;
	config: ConfigHints | null;
	configFile: string | null;
}

/** One input as it was fed, and where its value came from (text, a rule, an empty KV cache, the user). */
export interface FedInput {
	name: string;
	dims: number[];
	dtype: string;
	source: InputSource;
}

/** The same options the inspect CLI takes (--text, --ids, --seq, --seed): same defaultInputs. */
export interface InputOptions {
	text?: string;
	ids?: string;
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
	/** The memory budget in bytes (limits.ts); over it, capture goes selective. */
	budget?: number;
	/** The layer shown first (selective capture fetches it). */
	layer?: number;
	/** The head shown first (summary capture computes its exact pattern in the graph; 0-based). */
	head?: number;
	/** Interventions (ablate, zero, patch) applied to the graph of this session; lens and attribution asked for. */
	whatIf?: WhatIfRequest;
}

/** Re-run the open session with other inputs (the session is kept). */
export interface RunRequest {
	type: 'run';
	id: number;
	input: InputOptions;
	/** Selective capture: the layer whose tensors to fetch (the session is the same). */
	layer?: number;
	/** Summary capture: the head whose exact pattern to compute (0-based; same session, one forward pass). */
	head?: number;
}

/** Recognize again with the user's overrides (no re-run: the captured tensors stay). */
export interface AnalyzeRequest {
	type: 'analyze';
	id: number;
	overrides: Override[];
}

export type WorkerRequest = OpenRequest | RunRequest | AnalyzeRequest;

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
	/** The narrowest float the weights are stored in (report's computePrecision): the backend diff's tolerance follows it. */
	precision?: 'float16' | 'bfloat16' | null;
}

/** An attention pattern [1, H, S_q, S_k] (or heads folded, [H, S_q, S_k]) and its layer. */
export interface AttentionRef {
	layer: number;
	tensor: string;
	/** The recognizer found a mask (exact zeros are masked cells); null: not known. */
	masked: boolean | null;
	/** The softmax input (scores, mask applied) when it was captured: it decides what is masked. */
	scores?: string | null;
	/** The op computing it ('Softmax', 'Attention', 'GroupQueryAttention' ...), where recognized. */
	op?: string;
	/** Not a graph tensor: recomputed in the worker from the fused op's captured Q and K (src/lib/derive). */
	derived?: boolean;
	/**
	 * Summary capture: `tensor` is one head's exact pattern [1, 1, S, S], head `onlyHead` (0-based) of
	 * the layer's `heads`; the other heads are in `ResultMessage.long` as summaries.
	 */
	onlyHead?: number;
	heads?: number;
}

/** What recognition says, in the form the page uses; recomputed when overrides change. */
export interface StructureInfo {
	/** How attention patterns were found: the recognizer, or the first-Softmax heuristic. */
	attentionSource: 'analysis' | 'softmax-heuristic';
	/** Why the recognizer was not used, when it failed (null otherwise). */
	analysisError: string | null;
	attention: AttentionRef[];
	/** Layers to step through (recognized blocks, else one per attention pattern). */
	layers: number;
	variant: string | null;
	/** Per captured tensor (same order as `tensors`): hook name and layer, where known. */
	roles: { hook: string | null; layer: number | null }[];
	unrecognized: Note[];
	ambiguities: Note[];
	overrides: Override[];
	/** What the page needs to compute layers[i].stats (null: recognition failed). */
	stats: StatsPlan | null;
	/** Hook name -> ONNX tensor, every alias (names the `.npz` export as the CLI's `--npz` does). */
	hookTensors?: [string, string][];
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
	/** Per captured tensor, computed in the worker so a list of 10,000 costs the page nothing. */
	summaries: TensorSummary[];
	attention: AttentionRef[];
	structure: StructureInfo;
	/** The inputs as the worker used them (the page's URL and the CLI take the same). */
	input: InputOptions;
	/** One label per position of the token input (null when the model has no token input). */
	tokens: string[] | null;
	/** The id per position of the token input (null without one), and which ones are special tokens. */
	tokenIds?: number[] | null;
	special?: boolean[];
	/** Every input as fed, with where its value came from. */
	fed?: FedInput[];
	/** A model folder's variants, tokenizer and config (null: a single file or a zoo model). */
	folder?: FolderInfo | null;
	/** A merged decoder captured through its selected branch, inlined (null: the graph as it is). */
	capturedGraph?: string | null;
	/** Tensors recomputed after the run (fused attention patterns and their self-check, hidden stream sums). */
	derived?: DerivedEntry[];
	timings: { sessionMs: number; runMs: number };
	/** Full capture, or selective (one layer's tensors a run); absent from older workers. */
	capture?: CaptureInfo;
	/** The run's health (the inspect CLI's `health`), computed in the worker; null when it failed. */
	health?: Health | null;
	/** A what-if session's interventions, logit lens and attribution (absent otherwise). */
	whatIf?: WhatIfResult;
	/** Summary capture (long inputs): per-head row summaries and pooled patterns, computed in the graph. */
	long?: LongCapture;
}

export interface ErrorMessage {
	type: 'error';
	id: number;
	message: string;
	hint?: string;
}

export interface StructureMessage {
	type: 'structure';
	id: number;
	structure: StructureInfo;
}

export type WorkerMessage = ProgressMessage | ResultMessage | StructureMessage | ErrorMessage;

/** How a result was captured (runtime/plan.ts): full, or one layer at a time under the memory budget. */
export interface CaptureInfo {
	/**
	 * full: the requested set in one run; selective: one layer's semantic tensors a run, plus every
	 * layer's stream; summary: like selective, but attention patterns arrive as in-graph summaries
	 * and one head's exact pattern (`ResultMessage.long`).
	 */
	mode: 'full' | 'selective' | 'summary';
	/** The capture set asked for (the result's captureSet is the one that produced it). */
	requested: CaptureSet;
	/** Selective: the layer these tensors are from (null: full). */
	layer: number | null;
	/** Estimated bytes of the requested set for these inputs. */
	requestedBytes: number;
	/** Bytes the budget leaves beside the weights. */
	allowanceBytes: number;
	/** Estimated bytes of one run as captured. */
	runBytes: number;
	reason: string | null;
	/** Which session of the worker produced it (the same across re-runs and layer steps). */
	session: number;
	/** Whether the worker still holds the model's bytes (a large model's are let go of once its session exists). */
	modelBytesKept: boolean;
	/** Graph outputs this run did not fetch (selective capture leaves out very large ones). */
	skippedOutputs: string[];
}
