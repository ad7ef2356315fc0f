// `npm run -s bench -- [options]`, parsed with node:util.
import { parseArgs } from 'node:util';

export const SECTIONS = ['node', 'rewrite', 'chromium', 'webgpu', 'heatmap', 'app', 'long', 'readback'] as const;
export type Section = (typeof SECTIONS)[number];
/** What runs without --only: `long` takes tens of minutes on two cores, so it runs when named. */
export const DEFAULT_SECTIONS: readonly Section[] = ['node', 'rewrite', 'chromium', 'webgpu', 'heatmap', 'app', 'readback'];

export const USAGE = `usage: npm run -s bench -- [options]

  --json               print one JSON object (docs/contracts.md) instead of the table
  --quick              a smoke run: fewer reps, GPT-2-shaped stack at seq 128 only, no 1024 SVG
  --only LIST          comma list of sections: ${SECTIONS.join(', ')} (default: all but long)
  --models LIST        comma list of model ids to run (zoo ids, gpt2-small-shaped; default: all)
  --webgpu-gpt2        also run the GPT-2-shaped stack on WebGPU in Chromium (minutes per run on SwiftShader)
  --threads N          WASM threads in Node and in the capture page (default 1)
  --keep               keep the scratch folder (generated models, bundles, app build)
  --write-model PATH   only write the GPT-2-small-shaped stack to PATH and exit
  --seq N              with --write-model: fix input_ids to [1, N] (default: symbolic "seq")
  --seq LIST           with --only long: the lengths (default 1024,2048,4096; WebGPU runs 1024 only)
  --backends LIST      with --only long: wasm, webgpu (default both)
  --rev REV            build the app (app, long) from commit REV instead of the working tree
  --budget MIB         with --only long: the app's ?budget= (default 1536; 0: none, the app's default)
  -h, --help           this text

Progress goes to stderr; stdout holds only the report.`;

export interface BenchArgs {
	json: boolean;
	quick: boolean;
	only: Set<Section>;
	/** Model ids to run; null: all. */
	models: Set<string> | null;
	webgpuGpt2: boolean;
	threads: number;
	keep: boolean;
	writeModel?: string;
	seq?: number;
	/** `long`: the lengths and backends to run (null: the defaults). */
	longSeqs: number[] | null;
	backends: ('wasm' | 'webgpu')[];
	/** `long`: the app's ?budget= in MiB (null: 1536). */
	budget: number | null;
	/** Build the app from this commit (git archive) instead of the working tree. */
	rev?: string;
	help: boolean;
}

export function parseBenchArgs(argv: string[]): BenchArgs {
	const { values } = parseArgs({
		args: argv,
		strict: true,
		options: {
			json: { type: 'boolean', default: false },
			quick: { type: 'boolean', default: false },
			only: { type: 'string' },
			models: { type: 'string' },
			'webgpu-gpt2': { type: 'boolean', default: false },
			threads: { type: 'string', default: '1' },
			keep: { type: 'boolean', default: false },
			'write-model': { type: 'string' },
			seq: { type: 'string' },
			backends: { type: 'string', default: 'wasm,webgpu' },
			budget: { type: 'string' },
			rev: { type: 'string' },
			help: { type: 'boolean', short: 'h', default: false }
		}
	});
	const only = new Set<Section>();
	for (const s of (values.only ?? DEFAULT_SECTIONS.join(','))
		.split(',')
		.map((x) => x.trim())
		.filter(Boolean)) {
		if (!(SECTIONS as readonly string[]).includes(s)) throw new Error(`--only: unknown section "${s}" (have: ${SECTIONS.join(', ')})`);
		only.add(s as Section);
	}
	const int = (name: string, v: string | undefined, min: number): number | undefined => {
		if (v === undefined) return undefined;
		const n = Number(v);
		if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got "${v}"`);
		return n;
	};
	const list = (v: string) =>
		v
			.split(',')
			.map((x) => x.trim())
			.filter(Boolean);
	const long = only.has('long') && values['write-model'] === undefined;
	if (values.seq !== undefined && values['write-model'] === undefined && !long)
		throw new Error('--seq goes with --write-model or --only long');
	const longSeqs = long && values.seq !== undefined ? list(values.seq).map((x) => int('seq', x, 1)!) : null;
	const backends = list(values.backends!);
	for (const b of backends) if (b !== 'wasm' && b !== 'webgpu') throw new Error(`--backends: unknown backend "${b}" (have: wasm, webgpu)`);
	return {
		json: values.json!,
		quick: values.quick!,
		only,
		models: values.models
			? new Set(
					values.models
						.split(',')
						.map((x) => x.trim())
						.filter(Boolean)
				)
			: null,
		webgpuGpt2: values['webgpu-gpt2']!,
		threads: int('threads', values.threads, 1)!,
		keep: values.keep!,
		writeModel: values['write-model'],
		seq: long ? undefined : int('seq', values.seq, 1),
		longSeqs,
		backends: backends as ('wasm' | 'webgpu')[],
		budget: int('budget', values.budget, 0) ?? null,
		rev: values.rev,
		help: values.help!
	};
}
