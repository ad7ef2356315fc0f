// The graph capture runs on: the model itself, or, for a merged decoder whose inputs select a
// branch, that branch inlined (onnx/inline-if.ts). Node- and browser-neutral.
import type { ModelProto } from '../onnx/gen/onnx_pb.js';
import { Graph } from '../onnx/graph.js';
import { encodeWithWeightsIn, inlineIfs, subgraphOps, type Inlined } from '../onnx/inline-if.js';
import { spareFor, type ModelBuffer } from '../onnx/rewrite.js';
import type { Note } from '../analysis/types.js';

/** The name the original model bytes are mounted under when an inlined graph points into them. */
export const SOURCE_WEIGHTS = '__blockscope_source_model__.bin';

export interface CaptureGraph {
	graph: Graph;
	model: ModelBuffer;
	/** External data to add to the session: the original bytes, when the inlined graph reads weights from them. */
	externalData: { path: string; data: Uint8Array }[];
	inlined: Inlined | null;
	/** Bodies capture cannot see into (Loop, Scan, an If whose condition is computed). */
	opaque: Note[];
	/** One line for the status line and the CLI summary; null for a plain model. */
	status: string | null;
}

export function captureGraph(proto: ModelProto, model: ModelBuffer, branch: { name: string; value: boolean } | null): CaptureGraph {
	const inlined = branch ? inlineIfs(proto, new Map([[branch.name, branch.value]])) : null;
	const source = model.buffer.subarray(0, model.length);
	const opaque = subgraphOps(inlined ? inlined.model : proto).map((s) => ({
		what: `${s.op} "${s.name}"`,
		why: `the tensors inside its ${s.op === 'If' ? 'branches' : 'body'} cannot be captured (onnxruntime exposes only the main graph's tensors); its outputs are`
	}));
	if (!inlined) return { graph: new Graph(proto), model, externalData: [], inlined: null, opaque, status: null };
	const bytes = encodeWithWeightsIn(inlined.model, source, SOURCE_WEIGHTS);
	const buffer = new Uint8Array(bytes.byteLength + spareFor(bytes.byteLength));
	buffer.set(bytes);
	const side = inlined.branch === 'then_branch' ? 'then' : 'else';
	return {
		graph: new Graph(inlined.model),
		model: { buffer, length: bytes.byteLength },
		externalData: [{ path: SOURCE_WEIGHTS, data: source }],
		inlined,
		opaque,
		status: `captured graph: the ${side} branch of If "${inlined.node}" (${inlined.cond} = ${inlined.branch === 'then_branch'}), inlined (${inlined.nodes} nodes)`
	};
}
