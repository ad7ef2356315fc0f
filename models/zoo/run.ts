// Run a zoo model through the app's own capture path (CaptureSession) and compare with the oracle.
// Tests use it; the caller passes the onnxruntime-web module, as CaptureSession wants.
import { encodeModel } from '../../src/lib/onnx/build.js';
import { Graph } from '../../src/lib/onnx/graph.js';
import { bufferOf } from '../../src/lib/onnx/rewrite.js';
import { CaptureSession, type CaptureSet, type OrtModule } from '../../src/lib/runtime/capture.js';
import type { TensorStore } from '../../src/lib/tensor/store.js';
import type { ZooId } from './config.js';
import type { OracleTensor } from './oracle.js';
import { zooBuild } from './oracle.js';
import type { Spelling } from './spelling.js';

/** The model's `input_ids` feed for these token ids. */
export function idsFeed(tokens: readonly number[]) {
	return {
		input_ids: { name: 'input_ids', dims: [1, tokens.length], dtype: 'int64' as const, data: BigInt64Array.from(tokens, (t) => BigInt(t)) }
	};
}

/** Build (memoized), capture with ORT on WASM, return the store. */
export async function runZoo(
	ort: OrtModule,
	id: ZooId,
	tokens: readonly number[],
	spelling?: Partial<Spelling>,
	captureSet: CaptureSet = 'all'
): Promise<{ store: TensorStore; graph: Graph }> {
	const { model } = zooBuild(id, spelling);
	const graph = new Graph(model);
	const session = await CaptureSession.create(ort, bufferOf(encodeModel(model)), graph, { backend: 'wasm', captureSet });
	try {
		return { store: await session.run(idsFeed(tokens)), graph };
	} finally {
		await session.release();
	}
}

/**
 * Largest difference between a captured float32 tensor and the oracle's float64 one. Infinities
 * must match exactly (a Where(-inf) mask; NaN never matches); entries of magnitude >= 1e6 (scores + -1e9, where
 * float32's spacing is 64) count relative to their size; everything else is absolute, or with
 * `scaled` relative to max(1, |oracle|): trained post-LN's QK^T reaches ~280, where float32's own
 * rounding is ~1e-4 absolute (numpy's allclose with atol = rtol).
 */
export function maxDiff(got: ArrayLike<number>, want: Float64Array, scaled = false): number {
	if (got.length !== want.length) return Infinity;
	let worst = 0;
	for (let i = 0; i < want.length; i++) {
		const a = got[i],
			b = want[i];
		let d: number;
		if (!Number.isFinite(b) || !Number.isFinite(a)) d = a === b ? 0 : Infinity;
		else if (Math.abs(b) >= 1e6) d = Math.abs(a - b) / Math.abs(b);
		else d = Math.abs(a - b) / (scaled ? Math.max(1, Math.abs(b)) : 1);
		if (d > worst) worst = d; // a NaN on either side is not finite: Infinity above
	}
	return worst;
}

export interface Mismatch {
	name: string;
	why: string;
}

/** Every oracle tensor against the store: missing tensors, shape differences, values beyond tol (scaled maxDiff). */
export function compareWithOracle(
	store: TensorStore,
	oracle: Map<string, OracleTensor>,
	tol = 1e-4
): { mismatches: Mismatch[]; worst: number } {
	const mismatches: Mismatch[] = [];
	let worst = 0;
	for (const [name, want] of oracle) {
		const got = store.get(name);
		if (!got) {
			mismatches.push({ name, why: 'not captured' });
			continue;
		}
		if (got.dims.join(',') !== want.dims.join(',')) {
			mismatches.push({ name, why: `dims [${got.dims}] vs oracle [${want.dims}]` });
			continue;
		}
		const d = maxDiff(got.data as Float32Array, want.data64, true);
		worst = Math.max(worst, d);
		if (!(d <= tol)) mismatches.push({ name, why: `max diff ${d}` });
	}
	return { mismatches, worst };
}
