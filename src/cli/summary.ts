// The readable summary `inspect` prints without --json.
import { halfToFloat } from '../lib/onnx/tensor.js';
import type { CapturedTensor } from '../lib/runtime/store.js';
import { mb } from '../lib/runtime/node/model-file.js';
import type { InspectResult } from './run.js';

export function summary(r: InspectResult): string {
	const g = r.graph;
	const lines: string[] = [];
	const row = (k: string, v: string) => lines.push(`${k.padEnd(9)} ${v}`);
	row('model', `${r.path} (${mb(r.bytes)}, opset ${g.opset}, ${g.nodes.length} nodes)`);
	if (r.externalData.length) row('weights', `external: ${r.externalData.join(', ')}`);
	row('backend', `${r.backend} (Node, ${r.threads} thread${r.threads === 1 ? '' : 's'})`);
	row('capture', captureLine(r));
	for (const v of g.inputs) {
		const t = r.feeds[v.name];
		row('input', `${v.name} ${t.dtype} [${t.dims.join(', ')}]`);
	}
	if (r.tokens.length && g.metadata.has('blockscope.vocab')) row('text', JSON.stringify(r.tokens.join('')));
	for (const o of g.outputs) {
		const t = r.store.get(o.name);
		row('output', t ? `${o.name} ${t.dtype} [${t.dims.join(', ')}]` : o.name);
	}
	const rec = r.recognition.json;
	row('variant', `${rec.variant}, ${rec.layers.length} layer${rec.layers.length === 1 ? '' : 's'}`);
	for (const u of rec.unrecognized) row('unplaced', `${u.what}: ${u.why}`);
	row('time', `load ${r.ms.load.toFixed(0)} ms, run ${r.ms.run.toFixed(0)} ms`);
	lines.push('');
	lines.push(tensorTable(r));
	return lines.join('\n');
}

function captureLine(r: InspectResult): string {
	if (r.capture === 'none') return 'none (the plain model)';
	if (r.capture === 'semantic') return `semantic: ${r.exposed.length} named tensors exposed`;
	return `all: ${r.exposed.length} intermediate${r.exposed.length === 1 ? '' : 's'} exposed (may stop ORT from fusing ops)`;
}

function tensorTable(r: InspectResult): string {
	const rows = [...r.store].map((t) => {
		const s = stats(t);
		return [t.name, t.dtype, `[${t.dims.join(',')}]`, r.recognition.hookOf(t.name) ?? '', s.min, s.max, s.mean];
	});
	const head = ['tensor', 'dtype', 'dims', 'hook', 'min', 'max', 'mean'];
	const all = [head, ...rows];
	const width = head.map((_, c) => Math.min(60, Math.max(...all.map((x) => x[c].length))));
	const numeric = new Set([4, 5, 6]);
	return all
		.map((x) =>
			x
				.map((cell, c) => (numeric.has(c) ? cell.padStart(width[c]) : cell.padEnd(width[c])))
				.join('  ')
				.trimEnd()
		)
		.join('\n');
}

/** min/max/mean over finite values; NaN and infinities are counted beside them (masks hold -inf). */
function stats(t: CapturedTensor): { min: string; max: string; mean: string } {
	if (t.data.length === 0) return { min: '', max: '', mean: '' };
	let min = Infinity;
	let max = -Infinity;
	let sum = 0;
	let finite = 0;
	let nan = 0;
	let posInf = 0;
	let negInf = 0;
	for (let i = 0; i < t.data.length; i++) {
		const raw = t.data[i];
		const v = t.dtype === 'float16' ? halfToFloat(raw as number) : Number(raw);
		if (Number.isFinite(v)) {
			finite++;
			sum += v;
			if (v < min) min = v;
			if (v > max) max = v;
		} else if (Number.isNaN(v)) nan++;
		else if (v > 0) posInf++;
		else negInf++;
	}
	const odd = [nan && `${nan} nan`, posInf && `${posInf} +inf`, negInf && `${negInf} -inf`].filter(Boolean).join(', ');
	if (finite === 0) return { min: '', max: '', mean: `(${odd})` };
	const f = (v: number) => (Number.isInteger(v) && Math.abs(v) < 1e9 ? String(v) : v.toPrecision(4));
	return { min: f(min), max: f(max), mean: f(sum / finite) + (odd ? ` (${odd})` : '') };
}
