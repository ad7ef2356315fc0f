// The readable summary `inspect` prints without --json.
import { displayName } from '../lib/onnx/index.js';
import type { CapturedTensor } from '../lib/tensor/index.js';
import { formatBytes } from '../lib/runtime/index.js';
import { summarize } from '../lib/report/index.js';
import type { InspectResult } from './run.js';
import { healthOf, statsOf } from './check.js';
import { folderLines } from './summary-folder.js';

export function summary(r: InspectResult): string {
	const g = r.graph;
	const lines: string[] = [];
	// Values hold the model's own names: shown inert (control characters escaped) and clipped.
	const row = (k: string, v: string) => lines.push(`${k.padEnd(9)} ${displayName(v, 1000)}`);
	row('model', `${r.path} (${formatBytes(r.bytes)}, opset ${g.opset}, ${g.nodes.length} nodes)`);
	if (r.externalData.length) row('weights', `external: ${r.externalData.join(', ')}`);
	row('backend', `${r.backend} (Node, ${r.threads} thread${r.threads === 1 ? '' : 's'})`);
	row('capture', captureLine(r));
	for (const v of g.inputs) {
		const t = r.feeds[v.name];
		row('input', `${v.name} ${t.dtype} [${t.dims.join(', ')}]`);
	}
	if (r.tokens.length && g.metadata.has('blockscope.vocab')) row('text', JSON.stringify(r.tokens.join('')));
	for (const [k, v] of folderLines(r)) row(k, v);
	for (const o of g.outputs) {
		const t = r.store.get(o.name);
		row('output', t ? `${o.name} ${t.dtype} [${t.dims.join(', ')}]` : o.name);
	}
	const rec = r.recognition.json;
	row('variant', `${rec.variant}, ${rec.layers.length} layer${rec.layers.length === 1 ? '' : 's'}`);
	for (const u of rec.unrecognized) row('unplaced', `${u.what}: ${u.why}`);
	const stream = streamLine(r);
	if (stream) row('stream', stream);
	for (const [k, v] of healthLines(r)) row(k, v);
	row('time', `load ${r.ms.load.toFixed(0)} ms, run ${r.ms.run.toFixed(0)} ms`);
	lines.push('');
	lines.push(tensorTable(r));
	return lines.join('\n');
}

/** Mean residual-stream norm over tokens at each block boundary, one line. */
function streamLine(r: InspectResult): string | null {
	const s = statsOf(r);
	if (!s?.layers.length) return null;
	const avg = (a: number[] | null) => (a && a.length ? (a.reduce((x, y) => x + y, 0) / a.length).toPrecision(3) : '?');
	const pts = [avg(s.layers[0].resid.pre), ...s.layers.map((L) => avg(L.resid.post))];
	if (pts.every((p) => p === '?')) return null; // nothing of the stream was captured
	const after = s.layers.some((L) => L.resid.measured_at === 'after-norm') ? ' (after each post-norm LN)' : '';
	return `mean ||resid|| per block: ${pts.join(' -> ')}${after}`;
}

/** The health checks as readable lines: [label, text]. */
function healthLines(r: InspectResult): [string, string][] {
	const h = healthOf(r);
	const out: [string, string][] = [];
	const masked = h.masked.length ? `; ${h.masked.length} mask tensor${h.masked.length === 1 ? '' : 's'} hold -inf by design` : '';
	if (!h.first_nonfinite) out.push(['health', `no NaN or Inf in ${h.tensors_checked} float tensors${masked}`]);
	else {
		out.push(['health', `FIRST NON-FINITE: ${h.first_nonfinite}${h.first_nonfinite_node ? ` (${h.first_nonfinite_node.why})` : ''}`]);
		const rest = h.nonfinite.slice(1, 4).map((e) => e.tensor);
		out.push([
			'nonfinite',
			`${h.nonfinite.length} tensor${h.nonfinite.length === 1 ? '' : 's'} hold${h.nonfinite.length === 1 ? 's' : ''} NaN/Inf${rest.length ? `: ${h.first_nonfinite}, ${rest.join(', ')}${h.nonfinite.length > 4 ? ', ...' : ''}` : ''}${masked}`
		]);
	}
	for (const i of h.nonfinite_initializers)
		out.push(['weights', `initializer ${i.name} holds ${i.nan ? `${i.nan} NaN ` : ''}${i.inf ? `${i.inf} Inf` : ''}`.trim()]);
	if (h.softmax_rows) {
		const bad = h.softmax_off.length || h.softmax_nonfinite_rows;
		const nf = h.softmax_nonfinite_rows ? `, ${h.softmax_nonfinite_rows} not finite` : '';
		out.push([
			'softmax',
			`${bad ? 'ROWS OFF: ' : ''}${h.softmax_rows} attention rows, max |sum - 1| ${h.softmax_row_sum_max_err.toPrecision(2)}${nf}`
		]);
	}
	for (const z of h.zero_rows) out.push(['softmax', `${z.tensor}: ${z.count} all-zero row${z.count === 1 ? '' : 's'}`]);
	for (const n of h.norm_below_eps)
		out.push([
			'norm',
			`${n.norm}: input ${n.kind === 'layernorm' ? 'variance' : 'mean square'} below eps ${n.eps} at token${n.tokens.length === 1 ? '' : 's'} ${n.tokens.join(', ')} (division hazard)`
		]);
	if (h.fp16_overflow.length) out.push(['fp16', `would overflow in fp16 (|x| > 65504): ${h.fp16_overflow.join(', ')}`]);
	const fu = h.capture.fusion;
	if (fu.length === 1) out.push(['fusion', fu[0].why]);
	else if (fu.length > 1)
		out.push([
			'fusion',
			`${fu.length} decomposed norms have inner tensors exposed, so ORT runs them op by op instead of fusing them (values can differ slightly from the run without capture): ${fu.map((f) => f.norm).join(', ')}`
		]);
	return out;
}

function captureLine(r: InspectResult): string {
	if (r.capture === 'none') return 'none (the plain model)';
	if (r.capture === 'semantic') return `semantic: ${r.exposed.length} named tensors exposed`;
	return `all: ${r.exposed.length} intermediate${r.exposed.length === 1 ? '' : 's'} exposed (may stop ORT from fusing ops)`;
}

function tensorTable(r: InspectResult): string {
	const rows = [...r.store].map((t) => {
		const s = stats(t);
		return [displayName(t.name, 200), t.dtype, `[${t.dims.join(',')}]`, r.recognition.hookOf(t.name) ?? '', s.min, s.max, s.mean];
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
	const s = summarize(t);
	const odd = [s.nan && `${s.nan} nan`, s.posInf && `${s.posInf} +inf`, s.negInf && `${s.negInf} -inf`].filter(Boolean).join(', ');
	if (s.nonFinite === t.data.length) return { min: '', max: '', mean: `(${odd})` };
	const f = (v: number) => (Number.isInteger(v) && Math.abs(v) < 1e9 ? String(v) : v.toPrecision(4));
	return { min: f(s.min), max: f(s.max), mean: f(s.mean) + (odd ? ` (${odd})` : '') };
}
