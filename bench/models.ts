// The models the bench runs: every zoo variant (models/index.json, the deliberately broken
// members left out) and the GPT-2-small-shaped stack, written at bench time into a scratch
// folder in os.tmpdir() at each sequence length (a fixed seq: the app opens it at that length).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GPT2_ID, writeGpt2 } from '../models/gpt2/index.js';

const ROOT = resolve(import.meta.dirname, '..');

export interface BenchModel {
	id: string; // what the report calls it
	path: string;
	seq: number;
	bytes?: number;
	big: boolean; // the GPT-2-shaped stack (fewer reps, longer timeouts)
}

export const ZOO_SEQ = 64; // the zoo's max_seq (learned positions)

export function zooModels(): BenchModel[] {
	const list = JSON.parse(readFileSync(join(ROOT, 'models/index.json'), 'utf8')) as {
		id: string;
		file: string;
		first_nonfinite?: unknown;
	}[];
	return list.filter((e) => !e.first_nonfinite).map((e) => ({ id: e.id, path: join(ROOT, 'models', e.file), seq: ZOO_SEQ, big: false }));
}

export function gpt2File(dir: string, seq: number): string {
	return join(dir, `${GPT2_ID}-${seq}.onnx`);
}

export function writeGpt2Models(dir: string, seqs: readonly number[]): BenchModel[] {
	return seqs.map((seq) => {
		const w = writeGpt2(gpt2File(dir, seq), { seq });
		return { id: GPT2_ID, path: w.path, seq, bytes: w.bytes, big: true };
	});
}
