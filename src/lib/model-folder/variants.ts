// The ONNX files of a model folder and which one opens by default. Names follow what Optimum and
// transformers.js publish: model.onnx, model_fp16.onnx, model_quantized.onnx, model_q4.onnx,
// decoder_model_merged.onnx, encoder_model.onnx ... The suffix only names the variant; what the
// weights really are is read from the graph once it is open (quantization.ts).
import { baseName, type FolderFile } from './files.js';

export interface Variant {
	/** The file name without ".onnx": "model_q4", "decoder_model_merged". */
	name: string;
	path: string;
	size: number;
	/** What the name says: "fp32" (no suffix), "fp16", "q4", "quantized" (int8) ... */
	nameDtype: string;
	file: FolderFile;
}

// Suffixes transformers.js's `dtype` option maps to file names, longest first.
const SUFFIXES: [string, string][] = [
	['_q4f16', 'q4f16'],
	['_bnb4', 'bnb4'],
	['_quantized', 'quantized'],
	['_uint8', 'uint8'],
	['_int8', 'int8'],
	['_fp16', 'fp16'],
	['_bf16', 'bf16'],
	['_q4', 'q4'],
	['_q8', 'q8']
];

// Plain names in the order a debugger should prefer: the whole model first, a merged decoder
// next (it runs without a cache), then the parts of a seq2seq export.
const PREFER = ['model', 'decoder_model_merged', 'decoder_model', 'encoder_model', 'decoder_with_past_model'];

export function nameDtype(name: string): string {
	for (const [suffix, dtype] of SUFFIXES) if (name.endsWith(suffix)) return dtype;
	return 'fp32';
}

/** Every .onnx file, the default first, then plain ones, then the rest by name. */
export function listVariants(files: readonly FolderFile[]): Variant[] {
	const out: Variant[] = files
		.filter((f) => /\.onnx$/i.test(f.path))
		.map((f) => {
			const name = baseName(f.path).replace(/\.onnx$/i, '');
			return { name, path: f.path, size: f.size, nameDtype: nameDtype(name), file: f };
		});
	return out.sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path));
}

/** A folder of unrelated models (no model.onnx, decoder_model_merged.onnx ...): no default to guess. */
export function hasDefault(variants: readonly Variant[]): boolean {
	return variants.length === 1 || rank(variants[0]) < PREFER.length;
}

function rank(v: Variant): number {
	const plain = v.nameDtype === 'fp32';
	const p = PREFER.indexOf(plain ? v.name : v.name.replace(/_[a-z0-9]+$/, ''));
	return (plain ? 0 : 100) + (p < 0 ? PREFER.length : p);
}

/** The variant to open: by name (or path) when asked, else the first (the plain one). */
export function chooseVariant(variants: readonly Variant[], wanted?: string | null): Variant | null {
	if (!wanted) return variants[0] ?? null;
	const w = wanted.replace(/\.onnx$/i, '');
	return variants.find((v) => v.name === w || v.path === wanted || v.path.replace(/\.onnx$/i, '') === w) ?? null;
}
