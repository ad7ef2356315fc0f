// What the worker holds for the open model: its session, the graph captured and the model as it
// is, the folder it came from (tokenizer, config.json hints), the capture plan, and the names and
// dims of the last run (their data went to the page) so recognition can be redone with overrides.
import type { Graph, ModelBuffer } from '../onnx/index.js';
import type { ConfigHints, Note, Override, Structure } from '../analysis/index.js';
import type { CaptureOptions, CapturePlan, CaptureSession } from '../runtime/index.js';
import type { TextTokenizer } from '../tokenizer/index.js';
import type { EditEntry } from '../intervene/index.js';
import type { AttentionRef, ByteSource, FolderInfo, ModelSummary, WhatIfRequest } from './protocol.js';

export interface Open {
	session: CaptureSession;
	/** The model's bytes; null once let go of (letGo), read again from `source` for a new session. */
	buffer: ModelBuffer | null;
	source: ByteSource;
	/** The graph capture runs on; `original` is the model as it is (its inputs are fed). */
	graph: Graph;
	original: Graph;
	/** Never let go of the bytes (an inlined merged decoder's session reads its weights from them). */
	keep: boolean;
	/** A model folder's tokenizer and config.json hints (null: none), what was opened from it. */
	tokenizer: TextTokenizer | null;
	hints: ConfigHints | null;
	folder: FolderInfo | null;
	/** The captured graph, when a merged decoder's branch was inlined; bodies capture cannot see into. */
	capturedGraph: string | null;
	opaque: Note[];
	model: ModelSummary;
	fallback: string | null;
	structure: Structure | null;
	analysisError: string | null;
	overrides: Override[];
	sessionOptions: CaptureOptions['sessionOptions'];
	/** Names and dims of the last run's tensors (their data went to the page). */
	dims: Map<string, { dims: number[] }>;
	names: string[];
	/** What is captured (full, or one layer at a time) and the layer selective runs fetch. */
	plan: CapturePlan;
	layer: number;
	/** The head whose exact pattern summary capture computes, and its attention entry in the last result. */
	head: number;
	headRef?: AttentionRef;
	/** Which session of this worker (re-runs and layer steps keep it). */
	sessionNo: number;
	/** The memory budget and the model's bytes the plan was made with (new inputs are planned again). */
	budget: number;
	modelBytes: number;
	/** The Graph no longer points into the bytes (detach.ts). */
	detached?: boolean;
	/** A what-if session: the edit's interventions and the read-outs to compute on each run. */
	whatIf?: { req: WhatIfRequest; list: EditEntry[]; edit: (bytes: Uint8Array) => Uint8Array };
}
