// A read-only window into what the page holds, for end-to-end tests and automation:
// window.__blockscope.tensor(name) -> { dims, dtype, data: number[] } (a copy), names().
import type { CaptureInfo, InputOptions, ResultMessage, StructureInfo } from './protocol.js';

export interface HookTensor {
	dims: number[];
	dtype: string;
	data: number[];
}

export interface BlockscopeHook {
	names(): string[];
	tensor(name: string): HookTensor | null;
	/** Some elements of a tensor by flat index (a 2048^2 pattern is too large to copy out whole). */
	values(name: string, at: number[]): number[] | null;
	info(): {
		backend: string;
		fallback: string | null;
		captureSet: string;
		model: string;
		attention: { layer: number; tensor: string; masked: boolean | null }[];
		attentionSource: string;
		tokens: string[] | null;
		/** The inputs the page ran (the inspect CLI's --text/--ids/--seq/--seed). */
		input: InputOptions;
		layers: number;
		overrides: unknown[];
		/** Full or selective capture, the layer fetched, the session used. */
		capture: CaptureInfo | null;
		/** Summary capture: the exact head's layer and head, its tensor, how it was served and the run's ms. */
		long: { seq: number; layer: number; head: number; headPattern: string; served: string; ms: number; layers: number } | null;
	};
}

declare global {
	interface Window {
		__blockscope?: BlockscopeHook;
	}
}

/** `s`: the structure now shown (after role overrides); defaults to the result's own. */
export function makeHook(r: ResultMessage, s: StructureInfo | undefined = r.structure): BlockscopeHook {
	const byName = new Map(r.tensors.map((t) => [t.name, t]));
	return Object.freeze({
		names: () => r.tensors.map((t) => t.name),
		tensor(name: string): HookTensor | null {
			const t = byName.get(name);
			if (!t) return null;
			// int64 ids become plain numbers; float16 stays as its raw bits (dtype says so).
			return { dims: [...t.dims], dtype: t.dtype, data: Array.from(t.data as ArrayLike<number | bigint>, Number) };
		},
		values(name: string, at: number[]): number[] | null {
			const d = byName.get(name)?.data as ArrayLike<number | bigint> | undefined;
			return d ? at.map((i) => Number(d[i])) : null;
		},
		info: () => ({
			backend: r.backend,
			fallback: r.fallback,
			captureSet: r.captureSet,
			model: r.model.name,
			attention: (s?.attention ?? r.attention).map((a) => ({ ...a })),
			attentionSource: s?.attentionSource ?? r.attentionSource,
			tokens: r.tokens ? [...r.tokens] : null,
			input: { ...r.input },
			layers: s?.layers ?? r.attention.length,
			overrides: structuredClone(s?.overrides ?? []),
			capture: r.capture ? { ...r.capture } : null,
			long: r.long
				? {
						seq: r.long.seq,
						layer: r.long.layer,
						head: r.long.head,
						headPattern: r.long.headPattern,
						served: r.long.served,
						ms: r.long.ms,
						layers: r.long.layers.length
					}
				: null
		})
	});
}

export function installHook(r: ResultMessage, s?: StructureInfo): void {
	Object.defineProperty(window, '__blockscope', {
		value: makeHook(r, s ?? r.structure),
		configurable: true,
		writable: false,
		enumerable: false
	});
}
