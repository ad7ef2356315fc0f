// Debian's Chromium driven by playwright-core (never a downloaded browser), and what its
// processes hold in memory, read from /proc.
import { chromium, type Browser } from 'playwright-core';
import { readdirSync, readFileSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--enable-unsafe-webgpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run'
];

export function launch(): Promise<Browser> {
	return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export function chromiumVersion(b: Browser): string {
	return b.version();
}

interface Proc {
	pid: number;
	ppid: number;
	cmd: string;
}

function procs(): Proc[] {
	const out: Proc[] = [];
	for (const d of readdirSync('/proc')) {
		if (!/^\d+$/.test(d)) continue;
		try {
			const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
			const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
			const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
			out.push({ pid: Number(d), ppid: Number(f[1]), cmd });
		} catch {
			// the process ended while we looked
		}
	}
	return out;
}

/** Chromium processes started by this process. */
function mine(): Proc[] {
	const all = procs();
	const mine = new Set([process.pid]);
	let grew = true;
	while (grew) {
		grew = false;
		for (const p of all)
			if (mine.has(p.ppid) && !mine.has(p.pid)) {
				mine.add(p.pid);
				grew = true;
			}
	}
	return all.filter((p) => mine.has(p.pid));
}

/** Chromium renderer processes started by this process (the page and its workers live there). */
export function rendererPids(): number[] {
	return mine()
		.filter((p) => p.cmd.includes('--type=renderer'))
		.map((p) => p.pid);
}

/** Chromium's GPU process (WebGPU's work, SwiftShader's included, happens there). */
export function gpuPid(): number | null {
	return mine().find((p) => p.cmd.includes('--type=gpu-process'))?.pid ?? null;
}

/** CPU time of every thread of these processes, ms (from /proc/PID/task/TID/schedstat, in ns). */
export function cpuMs(pids: readonly number[]): number {
	let ns = 0;
	for (const pid of pids) {
		let tasks: string[];
		try {
			tasks = readdirSync(`/proc/${pid}/task`);
		} catch {
			continue;
		}
		for (const t of tasks) {
			try {
				ns += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
			} catch {
				// the thread ended
			}
		}
	}
	return ns / 1e6;
}

/** VmHWM (peak resident set) and VmRSS of a process in MiB; null once it has exited or is exiting. */
export function memoryOf(pid: number): { peak: number; rss: number } | null {
	try {
		const s = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN);
		const peak = kb('VmHWM') / 1024;
		// An exiting process (a zombie) has no memory lines: NaN would poison every Math.max after it.
		return Number.isFinite(peak) ? { peak, rss: kb('VmRSS') / 1024 } : null;
	} catch {
		return null;
	}
}
