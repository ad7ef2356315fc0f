// Fuzzing the inspect CLI (issue 8): seeded mutants of zoo models and fixtures, each run as a user
// runs it (a subprocess, ~1 s each, so fewer than the in-process fuzz). Every run ends with exit 0
// and a summary, or exit 2 and exactly one clear line on stderr: never a stack trace, a signal, an
// "internal error" or onnxruntime's own log lines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZOO_IDS } from '../../models/zoo/config';
import { clearMessage, mutants, type Base, type Mutant } from '../fixtures/hostile-fuzz';
import { cnn, mlp, typedInputs } from '../fixtures/hostile';
import { tokenModel } from './cli-fixtures';

const ROOT = join(__dirname, '../..');
const SEED = 21;
const COUNT = Number(process.env.BLOCKSCOPE_FUZZ_CLI_COUNT || 24);
const TIMEOUT_MS = 30_000;

interface Run {
	m: Mutant;
	code: number | null;
	signal: string | null;
	stdout: string;
	stderr: string;
	ms: number;
}

function inspect(file: string, args: string[] = []): Promise<Omit<Run, 'm'>> {
	return new Promise((resolve) => {
		const t0 = performance.now();
		const p = spawn(process.execPath, ['--import', 'tsx', 'src/cli/inspect.ts', file, ...args], {
			cwd: ROOT,
			env: { ...process.env, BLOCKSCOPE_THREADS: '1' },
			timeout: TIMEOUT_MS
		});
		let stdout = '';
		let stderr = '';
		p.stdout.on('data', (d) => (stdout += d));
		p.stderr.on('data', (d) => (stderr += d));
		p.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 }));
	});
}

let dir = '';
let list: Mutant[] = [];
beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'bs-fuzz-cli-'));
	const bases: Base[] = [
		...ZOO_IDS.map((id) => ({ name: id, bytes: new Uint8Array(readFileSync(join(ROOT, 'models', `${id}.onnx`))) })),
		{ name: 'mlp', bytes: mlp() },
		{ name: 'cnn', bytes: cnn() },
		{ name: 'typed', bytes: typedInputs() },
		{ name: 'token', bytes: tokenModel() }
	];
	list = mutants(bases, COUNT, SEED);
	list.forEach((m, i) => writeFileSync(join(dir, `m${i}.onnx`), m.bytes));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fuzz: the inspect CLI on mutated models', () => {
	it(`${COUNT} mutants (seed ${SEED}): exit 0 with a summary, or exit 2 with one clear line`, async () => {
		const runs: Run[] = [];
		// Two at a time: each run is mostly Node and WASM start-up.
		for (let i = 0; i < list.length; i += 2) {
			const pair = list.slice(i, i + 2);
			const done = await Promise.all(pair.map((m, k) => inspect(join(dir, `m${i + k}.onnx`))));
			done.forEach((r, k) => runs.push({ m: pair[k], ...r }));
		}
		const problems: string[] = [];
		for (const r of runs) {
			const what = `${r.m.id} (${r.m.detail})`;
			if (r.code === 0) {
				if (r.stderr !== '') problems.push(`${what}: exit 0 but stderr: ${r.stderr.slice(0, 200)}`);
				if (!/^backend\s+wasm/m.test(r.stdout)) problems.push(`${what}: exit 0 without a summary`);
			} else if (r.code === 2) {
				const lines = r.stderr.trimEnd().split('\n');
				if (r.stdout !== '') problems.push(`${what}: exit 2 with stdout`);
				if (lines.length !== 1 || !lines[0].startsWith('inspect: '))
					problems.push(`${what}: not one "inspect:" line: ${r.stderr.slice(0, 300)}`);
				if (/internal error/.test(r.stderr)) problems.push(`${what}: ${lines[0]}`);
				const why = clearMessage(lines[0]);
				if (why) problems.push(`${what}: unclear (${why}): ${lines[0].slice(0, 300)}`);
			} else problems.push(`${what}: exit ${r.code}, signal ${r.signal}, after ${r.ms.toFixed(0)} ms: ${r.stderr.slice(0, 300)}`);
		}
		const ok = runs.filter((r) => r.code === 0).length;
		console.log(
			`fuzz CLI: ${runs.length} runs, ${ok} exit 0, ${runs.length - ok} exit 2; slowest ${Math.max(...runs.map((r) => r.ms)).toFixed(0)} ms\n` +
				runs
					.filter((r) => r.code === 2)
					.map((r) => `  ${r.m.id}: ${r.stderr.trimEnd().slice(0, 160)}`)
					.join('\n')
		);
		expect(problems).toEqual([]);
		expect(ok).toBeGreaterThan(0);
		expect(runs.length - ok).toBeGreaterThan(COUNT / 4);
	}, 300_000);

	it('--debug adds the stack trace to a refused mutant', async () => {
		const i = list.findIndex((m) => m.kind === 'truncate');
		const r = await inspect(join(dir, `m${i}.onnx`), ['--debug']);
		expect(r.code).toBe(2);
		expect(r.stderr.split('\n')[0]).toMatch(/^inspect: Not (a readable )?(an )?ONNX model/);
		expect(r.stderr).toMatch(/\bat .*:\d+:\d+/);
	});
});
