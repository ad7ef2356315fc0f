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
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
			out.push({ pid: Number(d), ppid, cmd });
		} catch {
			// the process ended while we looked
		}
	}
	return out;
}

/** Chromium renderer processes started by this process (the page and its workers live there). */
export function rendererPids(): number[] {
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
	return all.filter((p) => mine.has(p.pid) && p.cmd.includes('--type=renderer')).map((p) => p.pid);
}

/** VmHWM (peak resident set) and VmRSS of a process in MiB; null once it has exited. */
export function memoryOf(pid: number): { peak: number; rss: number } | null {
	try {
		const s = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN);
		return { peak: kb('VmHWM') / 1024, rss: kb('VmRSS') / 1024 };
	} catch {
		return null;
	}
}
