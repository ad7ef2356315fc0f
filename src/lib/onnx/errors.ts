/** A model file that cannot be used, with a message meant for the person who chose it. */
export class ModelError extends Error {
	constructor(
		message: string,
		readonly hint?: string
	) {
		super(message);
		this.name = 'ModelError';
	}
}

// Names in a model are untrusted text: they may hold control characters (terminal escapes, a
// carriage return that overwrites the line), bidi overrides that reorder what is shown, or be
// 100,000 characters long. Messages and the CLI's summary show them through these two functions.

// C0 controls, DEL, C1 controls, bidi embeddings/overrides/isolates, line/paragraph separators,
// zero-width characters, the BOM, and lone surrogates.
const UNSAFE =
	/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Control and invisible formatting characters as visible escapes (`\n`, `\x1b`, `\u202e`); the rest as is. */
export function inert(s: string): string {
	return s.replace(UNSAFE, (c) => {
		switch (c) {
			case '\n':
				return '\\n';
			case '\r':
				return '\\r';
			case '\t':
				return '\\t';
		}
		const code = c.charCodeAt(0);
		return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
	});
}

/**
 * JSON.stringify escapes C0 controls but leaves DEL, C1 controls (U+009B is a terminal's CSI), bidi
 * overrides and line separators raw. This escapes those too: the same JSON value, safe to print.
 */
export function inertJson(json: string): string {
	return json.replace(
		/[\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g,
		(c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
	);
}

/** A name for a one-line message: inert, and at most `max` characters (long ones say how long). */
export function displayName(s: string, max = 80): string {
	const safe = inert(s);
	if (safe.length <= max) return safe;
	const note = `... (${s.length} characters)`;
	return safe.slice(0, Math.max(1, max - note.length)) + note;
}

/**
 * An onnxruntime error as a ModelError: "onnxruntime could not load this model: <reason>" (stage
 * 'load') or "onnxruntime failed to run this model: <reason>" (stage 'run'). ORT's messages carry
 * error-code prefixes, C++ source paths and signatures, and can span lines; the reason keeps the
 * sentence a user can act on, clipped to one line.
 */
export function ortError(stage: 'load' | 'run', e: unknown, max = 300): ModelError {
	if (e instanceof ModelError) return e;
	const what = stage === 'load' ? 'onnxruntime could not load this model' : 'onnxruntime failed to run this model';
	return new ModelError(`${what}: ${ortReason(e, max)}`);
}

export function ortReason(e: unknown, max = 300): string {
	let s = String((e as Error)?.message ?? e);
	s = s
		.replace(/\bERROR_CODE:\s*\d+,\s*ERROR_MESSAGE:\s*/g, '')
		.replace(/\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*\w+\s*:\s*/g, '')
		.replace(/^(?:Error:\s*)?(?:\[(?:WebAssembly|WebGPU|wasm)[^\]]*\]\s*)*/i, '')
		.replace(/^\s*(?:Can't create a session\.|failed to call OrtRun\(\)\.|failed to call OrtCreateSession\(\)\.)\s*/i, '')
		// "/onnxruntime/core/graph/graph.cc:1234 void onnxruntime::Graph::Foo(const X&) " -> ""
		.replace(/[\w./\\-]+\.(?:cc|cpp|h):\d+\s+(?:[\w:<>,*&~]+\s)*[\w<>~]*::[\w:<>~]*\([^)]*\)\s*(?:const\s*)?/g, '')
		.replace(/[\w./\\-]+\.(?:cc|cpp|h):\d+\s*/g, '')
		// template context: "[KernelContextType = onnxruntime::OpKernelContext] " -> ""
		.replace(/\[\w+ = [\w:<>, ]+\]\s*/g, '')
		.replace(/\s+/g, ' ')
		.trim()
		.replace(/^Error:\s*/, '')
		// "ValidateEmbeddedTensorProtoDataSizeAndShape Initializer ..." -> "Initializer ..."
		.replace(/^(?:[A-Z][a-z0-9]+){4,}\s+(?=[A-Z])/, '');
	if (!s) s = 'no reason given';
	return displayName(s, max);
}
