// A capture set as a Runner for the timing loop: the app's own CaptureSession (Node or browser),
// so the bench times exactly what the app runs, one JS copy of each output included.
import type { Graph, ModelBuffer } from '../src/lib/onnx/index.js';
import { CaptureSession, type Backend, type CaptureSet, type OrtModule } from '../src/lib/runtime/index.js';
import type { CapturedTensor } from '../src/lib/tensor/index.js';
import type { Opener, Runner } from './capture-core.js';

export interface OpenContext {
	ort: OrtModule;
	model: ModelBuffer;
	graph: Graph;
	feeds: Record<string, CapturedTensor>;
	semantic: readonly string[] | null;
	backend: Backend;
}

/**
 * Like sessionOpener, but a capturing set fetches only the model's own outputs: the graph is the
 * capturing one (fusions lost, nothing reused), the intermediates are just not returned. Against
 * plain, this isolates what exposing costs inside ORT from what returning the tensors costs.
 */
export function graphOnlyOpener(ctx: OpenContext): Opener {
	const open = sessionOpener(ctx);
	return async (set: CaptureSet): Promise<Runner> => {
		if (set === 'none') return open(set);
		const session = await CaptureSession.create(ctx.ort, ctx.model, ctx.graph, {
			backend: ctx.backend,
			captureSet: set,
			semantic: ctx.semantic ?? undefined
		});
		const feeds = Object.fromEntries(
			Object.values(ctx.feeds).map((t) => [t.name, new ctx.ort.Tensor(t.dtype as never, t.data as never, t.dims)])
		);
		const fetches = ctx.graph.outputs.map((o) => o.name);
		return {
			set,
			exposed: session.exposed.length,
			async run() {
				const out = await session.session.run(feeds, fetches);
				return Object.values(out).reduce((s, t) => s + (t.data as ArrayBufferView).byteLength, 0);
			},
			release: () => session.release()
		};
	};
}

export function sessionOpener(ctx: OpenContext): Opener {
	return async (set: CaptureSet): Promise<Runner> => {
		if (set === 'semantic' && !ctx.semantic) throw new Error('the recognizer found no semantic tensors');
		const session = await CaptureSession.create(ctx.ort, ctx.model, ctx.graph, {
			backend: ctx.backend,
			captureSet: set,
			semantic: ctx.semantic ?? undefined
		});
		return {
			set,
			exposed: session.exposed.length,
			async run() {
				const store = await session.run(ctx.feeds);
				let bytes = 0;
				for (const t of store) bytes += t.data.byteLength;
				return bytes;
			},
			release: () => session.release()
		};
	};
}
