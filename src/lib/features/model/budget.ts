// The page's memory budget: `?budget=` as written (a size such as 1200M, or a bare number of MiB),
// else the default for a browser with this much device memory.
import { memoryBudget, type Budget } from '$lib/runtime/limits';

/** Throws on a malformed setting (opening a model says so). */
export function pageBudget(setting: string | null, deviceMemoryGiB: number | null): Budget {
	const raw = setting?.trim() || null;
	const size = raw && /^\d+(\.\d+)?$/.test(raw) ? `${raw}M` : raw;
	return memoryBudget({ where: 'browser', setting: size, settingName: '?budget', deviceMemoryGiB });
}

/** The budget in bytes, or null when the setting is malformed. */
export function pageBudgetBytes(setting: string | null, deviceMemoryGiB: number | null): number | null {
	try {
		return pageBudget(setting, deviceMemoryGiB).bytes;
	} catch {
		return null;
	}
}
