// Child process (run with --expose-gc): read a big model and expose every intermediate as an
// output, the way the app does: read into a buffer with spare room, parse (weights stay views),
// append the new outputs in place. Prints one JSON line. For contrast it also times the naive
// rewrite (a second buffer: original bytes + suffix), which costs a full copy.
//   node --expose-gc --import tsx bench/node/rewrite-child.ts MODEL [--reps N]
import { parseArgs } from 'node:util';
import { Graph, allIntermediates, exposeOutputs, outputsSuffix, readModel } from '../../src/lib/onnx/index.js';
import { readModelFile } from '../../src/lib/runtime/node/index.js';
import { median, mib, round } from '../stats.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { reps: { type: 'string', default: '5' } } });
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const rss = () => process.memoryUsage().rss;
const peak = () => process.resourceUsage().maxRSS * 1024;
const now = () => performance.now();

gc();
const rss0 = rss();
let t = now();
const model = await readModelFile(positionals[0]);
const readMs = now() - t;
t = now();
const graph = new Graph(readModel(model.buffer.subarray(0, model.length)));
const names = allIntermediates(graph);
const parseMs = now() - t;
gc();
const rss1 = rss();
const peak1 = peak();

// The rewrite the app does, cold: time and what it adds to the process.
t = now();
let bytes = exposeOutputs(model, names);
const firstMs = now() - t;
const rss2 = rss();
const extra = Math.max(0, rss2 - rss1, peak() - Math.max(peak1, rss1));
const inPlace = bytes.buffer === model.buffer.buffer;
const suffix = bytes.byteLength - model.length;

// Warm: the same rewrite again (a re-open with another capture set), median of reps.
const warm: number[] = [];
for (let i = 0; i < Number(values.reps); i++) {
	t = now();
	bytes = exposeOutputs(model, names);
	warm.push(now() - t);
}

// Naive: a new buffer holding the original and the suffix (as Buffer.concat would).
gc();
const rss3 = rss();
t = now();
const s = outputsSuffix(names);
const copy = new Uint8Array(model.length + s.byteLength);
copy.set(model.buffer.subarray(0, model.length));
copy.set(s, model.length);
const concatMs = now() - t;
const concatExtra = rss() - rss3;

process.stdout.write(
	JSON.stringify({
		model_mb: mib(model.length),
		outputs: names.length,
		suffix_kb: round(suffix / 1024, 1),
		in_place: inPlace,
		read_ms: round(readMs, 1),
		parse_ms: round(parseMs, 1),
		read_rss_mb: mib(rss1 - rss0),
		first_ms: round(firstMs, 2),
		ms: round(median(warm), 2),
		extra_mb: mib(extra),
		extra_pct: round((100 * extra) / model.length, 2),
		naive_ms: round(concatMs, 1),
		naive_extra_mb: mib(concatExtra),
		check: copy.byteLength === bytes.byteLength
	}) + '\n'
);
