// The memory budget: how many bytes of model (the .onnx file plus its external data files) blockscope
// agrees to load. A model over it is refused from its size alone, before its bytes are read, with a
// message that gives both numbers. Pure: the page and the CLI pass in what their environment says
// (docs/security.md, "Memory budget").
//
//   browser  2 GiB, or half the device's memory when `navigator.deviceMemory` reports less than 4 GiB;
//            onnxruntime-web is 32-bit WASM (at most 4 GiB of heap) and holds a second copy of the
//            weights while it loads them.
//   node     4 GiB, or half the machine's memory when that is less.
//   Either can be set explicitly (BLOCKSCOPE_MEMORY_BUDGET=8G for the CLI; the page passes its
//   own setting the same way): a byte count or a number with K, M, G (powers of 1024).
import { ModelError, displayName, dtypeSize, type DType } from '../onnx/index.js';

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

export const DEFAULT_BROWSER_BUDGET = 2 * GiB;
export const DEFAULT_NODE_BUDGET = 4 * GiB;
/** The environment variable the CLI reads its budget from. */
export const BUDGET_ENV = 'BLOCKSCOPE_MEMORY_BUDGET';
/** One protobuf message cannot exceed 2 GiB: larger models keep their weights in external data. */
export const MAX_PROTOBUF_BYTES = 2 ** 31 - 1;

export interface Budget {
	bytes: number;
	/** Where the number came from, for messages: "default", "BLOCKSCOPE_MEMORY_BUDGET=8G", ... */
	source: string;
}

export interface BudgetEnv {
	where: 'browser' | 'node';
	/** An explicit setting (the env variable, a page setting); empty or undefined: none. */
	setting?: string | null;
	/** Its name in messages, e.g. "BLOCKSCOPE_MEMORY_BUDGET" (default: "the budget setting"). */
	settingName?: string;
	/** `navigator.deviceMemory` (GiB, as the browser rounds it), where known. */
	deviceMemoryGiB?: number | null;
	/** `os.totalmem()`, where known. */
	totalMemoryBytes?: number | null;
}

/** "512M", "2G", "1.5GiB", "4 gb", "1000000" -> bytes; null when it is not a size. */
export function parseBytes(s: string): number | null {
	const m = /^\s*(\d+(?:\.\d+)?)\s*(?:([kmgt])(?:i?b)?|b)?\s*$/i.exec(s);
	if (!m) return null;
	const unit = { k: KiB, m: MiB, g: GiB, t: 1024 * GiB }[(m[2] ?? '').toLowerCase()] ?? 1;
	const n = Math.round(Number(m[1]) * unit);
	return Number.isSafeInteger(n) && n > 0 ? n : null;
}

export function memoryBudget(env: BudgetEnv): Budget {
	const setting = env.setting?.trim();
	if (setting) {
		const bytes = parseBytes(setting);
		const name = env.settingName ?? 'the budget setting';
		if (bytes === null)
			throw new ModelError(
				`${name}=${displayName(setting, 40)} is not a size.`,
				'Use a byte count or a number with K, M or G, e.g. 512M or 8G.'
			);
		return { bytes, source: `${name}=${setting}` };
	}
	if (env.where === 'browser') {
		const dm = env.deviceMemoryGiB;
		if (typeof dm === 'number' && dm > 0 && dm < 4) return { bytes: Math.floor((dm * GiB) / 2), source: `half of this device's ${dm} GiB` };
		return { bytes: DEFAULT_BROWSER_BUDGET, source: 'the default for the browser' };
	}
	const total = env.totalMemoryBytes;
	if (typeof total === 'number' && total > 0 && total / 2 < DEFAULT_NODE_BUDGET)
		return { bytes: Math.floor(total / 2), source: `half of this machine's ${formatBytes(total)}` };
	return { bytes: DEFAULT_NODE_BUDGET, source: 'the default' };
}

export interface ModelSize {
	/** The file's name as the user knows it (shown clipped and inert). */
	name: string;
	/** Bytes of the .onnx file. */
	bytes: number;
	/** Bytes of its external data files, where already known. */
	externalBytes?: number;
}

/** The ModelError for a model over the budget, or null when it fits. Call it before reading the bytes. */
export function overBudget(size: ModelSize, budget: Budget): ModelError | null {
	const total = size.bytes + (size.externalBytes ?? 0);
	const name = displayName(size.name, 80);
	if (total > budget.bytes) {
		const what = size.externalBytes
			? `${name} and its external data are ${formatBytes(total)} (${formatBytes(size.bytes)} + ${formatBytes(size.externalBytes)})`
			: `${name} is ${formatBytes(total)}`;
		return new ModelError(
			`${what}, over the ${formatBytes(budget.bytes)} limit (memory budget: ${budget.source}); it was not loaded.`,
			'Use a smaller model, or raise the budget if this machine has the memory.'
		);
	}
	if (size.bytes > MAX_PROTOBUF_BYTES)
		return new ModelError(
			`${name} is ${formatBytes(size.bytes)}, over the 2 GiB a single ONNX (protobuf) file can hold.`,
			'Export the weights as external data (a separate file next to the model).'
		);
	return null;
}

/** Throws overBudget's error. */
export function checkModelSize(size: ModelSize, budget: Budget): void {
	const e = overBudget(size, budget);
	if (e) throw e;
}

/**
 * The most one default input may take. Inputs are token ids and small activations; a declared dim of
 * 2^31 is a broken model, and allocating it would fail with an unreadable RangeError (or worse).
 */
export const MAX_INPUT_BYTES = 256 * MiB;

/** Refuses an input whose dims are negative, not integers, or too large to build. */
export function checkInputSize(name: string, dims: readonly number[], dtype: DType, max = MAX_INPUT_BYTES): void {
	const shape = `[${dims.join(', ')}]`;
	if (dims.some((d) => !Number.isSafeInteger(d) || d < 0))
		throw new ModelError(
			`Input "${displayName(name)}" would have shape ${shape}, which is not a valid shape.`,
			"Check the model's declared input shape, or give the input as a file (--input NAME=FILE.npy)."
		);
	const elems = dims.reduce((a, b) => a * b, 1);
	const bytes = elems * Math.max(1, dtypeSize(dtype));
	if (bytes > max)
		throw new ModelError(
			`Input "${displayName(name)}" would be ${shape} ${dtype} (${formatBytes(bytes)}), over the ${formatBytes(max)} one input may take.`,
			"Check the model's declared input shape (a fixed dim may be wrong), or give the input as a file (--input NAME=FILE.npy)."
		);
}

/** Sizes in messages, progress and the CLI summary: 512 -> "512 B"; 1536 -> "1.5 KiB"; 3 * 2**30 -> "3.0 GiB". */
export function formatBytes(bytes: number): string {
	if (bytes >= GiB) return `${(bytes / GiB).toFixed(1)} GiB`;
	if (bytes >= MiB) return `${(bytes / MiB).toFixed(1)} MiB`;
	if (bytes >= KiB) return `${(bytes / KiB).toFixed(1)} KiB`;
	return `${bytes} B`;
}
