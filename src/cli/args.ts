// Command-line arguments of `inspect`, parsed with node:util (no dependencies).
import { parseArgs } from 'node:util';
import type { CaptureSet } from '../lib/runtime/index.js';
import { DEFAULT_TEXT } from '../lib/runtime/inputs.js';
import { UsageError } from './errors.js';
import { WHAT_IF_OPTIONS, WHAT_IF_USAGE, whatIfArgs, type WhatIfArgs } from './what-if-args.js';

export { UsageError };

export const USAGE = `usage: npm run -s inspect -- MODEL.onnx|FOLDER [options]

  FOLDER                  a model folder (config.json, tokenizer.json, onnx/model*.onnx): the plain
                          variant opens unless --variant names another; its tokenizer reads --text
  --variant NAME          which .onnx in the folder (model, model_fp16, model_q4, decoder_model_merged...)
  --tokenizer FILE        a tokenizer.json for --text (default: one beside the model or in its folder)

  --input NAME=FILE.npy   feed input NAME from a NumPy file (repeatable; float32, int64, ...)
  --text STR              text for models with a vocabulary (default "the cat sat on the mat")
  --ids 3,1,4             token ids instead of text
  --repeat                the text (or --ids) written twice: head_scores then measure induction
  --seq N                 sequence length for dynamic seq dims (default 16; token text is cycled)
  --seed N                seed for random inputs (default 0)
  --capture SET           all (default) | semantic | none
  --json                  print one JSON object on stdout instead of the summary
  --dump DIR              write every captured tensor as .npy plus manifest.json into DIR
  --npz FILE              write every captured tensor into one NumPy .npz archive (hook names
                          where recognized, ONNX names otherwise) with a manifest.json
  --compress              deflate the --npz archive's entries (as numpy.savez_compressed; default:
                          stored, as numpy.savez)
  --check                 exit 1 (and say why on stderr) when a tensor holds NaN/Inf (masks
                          aside) or an attention row does not sum to 1 within 1e-3
${WHAT_IF_USAGE.slice(1)}
  --threads N             WASM threads (default: cores - 1, at most 4)
  --debug                 stack traces and onnxruntime warnings on stderr
  -h, --help              this text

exit codes: 0 ok, 1 --check found a problem, 2 bad arguments or a model/input that cannot be used`;

export interface CliOptions {
	model: string;
	inputs: { name: string; file: string }[];
	text?: string;
	ids?: string;
	seq?: number;
	seed?: number;
	capture: CaptureSet;
	json: boolean;
	check: boolean;
	dump?: string;
	npz?: string;
	variant?: string;
	tokenizer?: string;
	compress: boolean;
	threads?: number;
	debug: boolean;
	help: boolean;
	whatIf: WhatIfArgs;
}

export function parseCli(argv: string[]): CliOptions {
	let parsed;
	try {
		parsed = parseArgs({
			args: argv,
			allowPositionals: true,
			strict: true,
			options: {
				input: { type: 'string', multiple: true },
				text: { type: 'string' },
				ids: { type: 'string' },
				repeat: { type: 'boolean' },
				seq: { type: 'string' },
				seed: { type: 'string' },
				capture: { type: 'string' },
				json: { type: 'boolean' },
				check: { type: 'boolean' },
				dump: { type: 'string' },
				npz: { type: 'string' },
				variant: { type: 'string' },
				tokenizer: { type: 'string' },
				compress: { type: 'boolean' },
				threads: { type: 'string' },
				debug: { type: 'boolean' },
				help: { type: 'boolean', short: 'h' },
				...WHAT_IF_OPTIONS
			}
		});
	} catch (e) {
		// node:util adds advice about '--' that does not apply here; keep the first sentence.
		const msg = (e as Error).message;
		const unknown = /^Unknown option '([^']+)'/.exec(msg);
		throw new UsageError(unknown ? `unknown option ${unknown[1]} (try --help)` : msg.split(/(?<=\.) /)[0]);
	}
	const { values: v, positionals } = parsed;
	const help = v.help ?? false;
	if (!help && positionals.length !== 1)
		throw new UsageError(
			positionals.length === 0
				? 'missing MODEL.onnx or a model folder (try --help)'
				: `expected one model file, got ${positionals.length}: ${positionals.join(' ')}`
		);
	const capture = v.capture ?? 'all';
	if (capture !== 'all' && capture !== 'semantic' && capture !== 'none')
		throw new UsageError(`--capture must be all, semantic or none (got "${capture}")`);
	if (v.compress && !v.npz) throw new UsageError('--compress applies to --npz FILE (give both)');
	return {
		model: positionals[0] ?? '',
		inputs: (v.input ?? []).map(parseInputArg),
		...repeated(v.text, v.ids, v.repeat ?? false),
		seq: intArg('--seq', v.seq, 1),
		seed: intArg('--seed', v.seed, 0),
		capture,
		json: v.json ?? false,
		check: v.check ?? false,
		dump: v.dump,
		npz: v.npz,
		variant: v.variant,
		tokenizer: v.tokenizer,
		compress: v.compress ?? false,
		threads: intArg('--threads', v.threads, 1),
		debug: v.debug ?? false,
		help,
		whatIf: whatIfArgs(v)
	};
}

/** --repeat: the ids given twice, else the text (the default one if none) twice. */
function repeated(text: string | undefined, ids: string | undefined, repeat: boolean): { text?: string; ids?: string } {
	if (!repeat) return { text, ids };
	if (ids !== undefined) return { text, ids: `${ids},${ids}` };
	const t = text ?? DEFAULT_TEXT;
	return { text: t + t, ids };
}

function parseInputArg(s: string): { name: string; file: string } {
	const eq = s.indexOf('=');
	if (eq <= 0 || eq === s.length - 1) throw new UsageError(`--input expects NAME=FILE.npy (got "${s}")`);
	return { name: s.slice(0, eq), file: s.slice(eq + 1) };
}

function intArg(flag: string, s: string | undefined, min: number): number | undefined {
	if (s === undefined) return undefined;
	const n = Number(s);
	if (!/^\s*-?\d+\s*$/.test(s) || !Number.isSafeInteger(n) || n < min)
		throw new UsageError(`${flag} expects an integer >= ${min} (got "${s}")`);
	return n;
}
