// Fuzzing (issue 8): a few hundred seeded mutants of the zoo and of small fixtures, each opened the
// way the CLI and the page open a model (read -> Graph -> analyze -> default inputs -> ORT session
// with every intermediate exposed -> run). Each must open or be refused with a clear ModelError,
// within a time bound; a child process does the work, so a hang or a crash is caught and counted
// instead of taking the test run down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZOO_IDS } from '../../models/zoo/config';
import { cnn, mlp, typedInputs } from '../fixtures/hostile';
import { tokenModel } from './cli-fixtures';
import type { Job, Outcome } from '../fixtures/hostile-runner';
import { clearMessage, mutant } from '../fixtures/hostile-fuzz';
import { readModel } from '../../src/lib/onnx/read';

const ROOT = join(__dirname, '../..');
const SEED = Number(process.env.BLOCKSCOPE_FUZZ_SEED || 8);
const COUNT = Number(process.env.BLOCKSCOPE_FUZZ_COUNT || 400);
/** A mutant that takes longer than this is a hang. */
const PER_MUTANT_MS = 10_000;

interface Crash {
	index: number;
	why: string;
}

/** Runs mutants [0, count) in a child, restarting it after a hang or a crash. */
async function fuzz(bases: Job['bases'], count: number): Promise<{ outcomes: Outcome[]; crashes: Crash[]; ms: number }> {
	const outcomes: Outcome[] = [];
	const crashes: Crash[] = [];
	const t0 = performance.now();
	let next = 0;
	while (next < count) {
		const from = next;
		await new Promise<void>((resolve) => {
			const child: ChildProcess = fork(join(ROOT, 'tests/fixtures/hostile-runner.ts'), [], {
				cwd: ROOT,
				execArgv: ['--import', 'tsx'],
				serialization: 'advanced',
				stdio: ['ignore', 'ignore', 'pipe', 'ipc']
			});
			let stderr = '';
			child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
			let current = from;
			let timer: NodeJS.Timeout | undefined;
			let settled = false;
			const arm = () => {
				clearTimeout(timer);
				timer = setTimeout(() => {
					crashes.push({ index: current, why: `no answer within ${PER_MUTANT_MS} ms` });
					next = current + 1;
					finish();
				}, PER_MUTANT_MS);
			};
			const finish = () => {
				if (settled) return;
				settled = true;
				clearTimeout(timer);
				child.removeAllListeners();
				child.kill('SIGKILL');
				resolve();
			};
			child.on('message', (m: { ready?: true; started?: number; done?: true } & Partial<Outcome>) => {
				arm();
				if (m.ready) child.send({ bases, seed: SEED, from, to: count } satisfies Job);
				else if (m.started !== undefined) current = m.started;
				else if (m.done) {
					next = count;
					finish();
				} else {
					outcomes.push(m as Outcome);
					next = (m as Outcome).index + 1;
				}
			});
			child.on('exit', (code, signal) => {
				if (settled) return;
				crashes.push({ index: current, why: `the process died (${signal ?? `exit ${code}`}): ${stderr.trim().split('\n').at(-1) ?? ''}` });
				next = current + 1;
				finish();
			});
			arm();
		});
	}
	return { outcomes, crashes, ms: performance.now() - t0 };
}

let dir = '';
let bases: Job['bases'] = [];
beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'bs-fuzz-'));
	const small: [string, Uint8Array][] = [
		['mlp', mlp()],
		['cnn', cnn()],
		['typed', typedInputs()],
		['token', tokenModel()]
	];
	for (const [name, bytes] of small) writeFileSync(join(dir, `${name}.onnx`), bytes);
	bases = [
		...ZOO_IDS.map((id) => ({ name: id, path: join(ROOT, 'models', `${id}.onnx`) })),
		...small.map(([name]) => ({ name, path: join(dir, `${name}.onnx`) }))
	];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fuzz: mutated models open or are refused clearly', () => {
	it(`${COUNT} seeded mutants (seed ${SEED}): no hang, no crash, no unclear error`, async () => {
		const { outcomes, crashes, ms } = await fuzz(bases, COUNT);
		const by = (o: Outcome['outcome']) => outcomes.filter((x) => x.outcome === o);
		const kinds = new Map<string, { opened: number; refused: number }>();
		for (const o of outcomes) {
			const k = o.id.split(':')[1];
			const e = kinds.get(k) ?? { opened: 0, refused: 0 };
			if (o.outcome !== 'failed') e[o.outcome]++;
			kinds.set(k, e);
		}
		const slowest = [...outcomes].sort((a, b) => b.ms - a.ms)[0];
		console.log(
			`fuzz: ${outcomes.length} mutants in ${(ms / 1000).toFixed(1)} s: ${by('opened').length} opened, ${by('refused').length} refused, ` +
				`${by('failed').length} failed, ${crashes.length} hung or crashed; slowest ${slowest?.id} ${slowest?.ms.toFixed(0)} ms\n` +
				[...kinds].map(([k, v]) => `  ${k}: ${v.opened} opened, ${v.refused} refused`).join('\n')
		);
		expect(crashes).toEqual([]);
		expect(by('failed').map((o) => `${o.id} (${o.detail}) at ${o.stage}: ${o.message}`)).toEqual([]);
		expect(outcomes.filter((o) => o.analysis !== null).map((o) => `${o.id}: ${o.analysis}`)).toEqual([]);
		const unclear = by('refused')
			.map((o) => [o.id, o.message, clearMessage(o.message)])
			.filter(([, , why]) => why !== null);
		expect(unclear).toEqual([]);
		expect(outcomes).toHaveLength(COUNT);
		for (const o of outcomes) expect(o.ms, o.id).toBeLessThan(PER_MUTANT_MS);
		// A truncated file opens only when the cut falls on a field boundary after the whole graph
		// (what is lost is trailing metadata): then it is a smaller valid model with every node.
		const decoded = new Map();
		const baseBytes = new Map(bases.map((b) => [b.name, new Uint8Array(readFileSync(b.path))]));
		const all = [...baseBytes].map(([name, bytes]) => ({ name, bytes }));
		for (const o of outcomes.filter((x) => x.id.endsWith(':truncate') && x.outcome === 'opened')) {
			const m = mutant(all, decoded, o.index, SEED);
			const nodes = (bytes: Uint8Array) => readModel(bytes).graph!.node.length;
			expect(nodes(m.bytes), `${o.id}: ${o.detail}`).toBe(nodes(baseBytes.get(m.base)!));
		}
		expect(outcomes.filter((o) => o.id.endsWith(':truncate') && o.outcome === 'opened').length).toBeLessThan(COUNT * 0.02);
		// Both outcomes are common: the mutations are neither all fatal nor all harmless.
		expect(by('opened').length).toBeGreaterThan(COUNT * 0.15);
		expect(by('refused').length).toBeGreaterThan(COUNT * 0.3);
		// Refusals come from every layer: reading, the graph, the inputs and onnxruntime.
		expect(new Set(by('refused').map((o) => o.stage))).toEqual(new Set(['read', 'graph', 'inputs', 'load', 'run']));
	}, 240_000);
});
