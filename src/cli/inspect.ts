// `npm run -s inspect -- MODEL.onnx [options]`: run a model in Node on WASM, capture its
// intermediates, print a summary or one JSON object, optionally dump .npy files.
// Errors are one line on stderr with exit code 2 (a stack trace only with --debug).
import { ModelError, inertJson } from '../lib/onnx/index.js';
import { writeDump } from '../lib/runtime/node/index.js';
import { parseCli, USAGE, type CliOptions } from './args.js';
import { EXIT_CHECK_FAILED, EXIT_ERROR, EXIT_OK, oneLine } from './errors.js';
import { checkProblems } from './check.js';
import { buildReport, SECTIONS } from './report.js';
import { inspectWhatIf } from './what-if.js';
import { checkNpzPath, writeNpzFile } from './npz.js';
import { summary } from './summary.js';

async function main(argv: string[]): Promise<number> {
	let opts: CliOptions | undefined;
	try {
		opts = parseCli(argv);
		if (opts.help) {
			process.stdout.write(USAGE + '\n');
			return EXIT_OK;
		}
		if (opts.npz) await checkNpzPath(opts.npz);
		const { r, section, summary: whatIf } = await inspectWhatIf({ ...opts, verbose: opts.debug }, opts.whatIf);
		const npz = opts.npz ? await writeNpzFile(opts.npz, r, opts.text, opts.compress) : null;
		if (opts.dump)
			await writeDump(opts.dump, r.store, { model: r.path, backend: r.backend, capture: r.capture }).catch((e: NodeJS.ErrnoException) => {
				throw new ModelError(`Cannot write the dump to ${opts!.dump}: ${e.code ?? e.message}`);
			});
		process.stdout.write(opts.json ? inertJson(JSON.stringify(buildReport(r, [...SECTIONS, section]))) + '\n' : summary(r) + '\n');
		if (whatIf.length && !opts.json) process.stdout.write(`\n${whatIf.join('\n')}\n`);
		if (opts.dump && !opts.json) process.stdout.write(`\nwrote ${r.store.size} tensors + manifest.json to ${opts.dump}\n`);
		if (npz && !opts.json)
			process.stdout.write(`\nwrote ${npz.tensors} tensors + manifest.json to ${opts.npz} (${(npz.bytes / 1e6).toFixed(1)} MB)\n`);
		if (opts.check) {
			const problems = checkProblems(r);
			for (const p of problems) process.stderr.write(`inspect --check: ${p}\n`);
			if (problems.length) return EXIT_CHECK_FAILED;
		}
		return EXIT_OK;
	} catch (e) {
		process.stderr.write(`inspect: ${oneLine(e)}\n`);
		if (opts?.debug ?? argv.includes('--debug')) process.stderr.write(`${(e as Error)?.stack ?? e}\n`);
		return EXIT_ERROR;
	}
}

process.exitCode = await main(process.argv.slice(2));
