// The GPT-2-small-shaped stack the benchmark runs: GPT-2 small's shapes (124M parameters, ~500 MB
// of float32 weights) with seeded random weights. Never committed as .onnx: `npm run bench --
// --write-model PATH` writes one.

export interface Gpt2Config {
	layers: number;
	dModel: number;
	heads: number;
	dFF: number;
	/** GPT-2's BPE vocabulary size; the unembedding is tied to the token embedding, as in GPT-2. */
	vocab: number;
	/** Learned positions (GPT-2: 1024); also the side of the causal mask table. */
	maxPos: number;
	/** A fixed sequence length for input_ids [1, seq]; null: symbolic ("seq"). */
	seq: number | null;
	seed: number;
}

export const GPT2_SMALL: Gpt2Config = {
	layers: 12,
	dModel: 768,
	heads: 12,
	dFF: 3072,
	vocab: 50257,
	maxPos: 1024,
	seq: null,
	seed: 124
};

/** Id the bench reports this model under (issue 7's output contract). */
export const GPT2_ID = 'gpt2-small-shaped';

export function checkConfig(c: Gpt2Config): void {
	const ints = ['layers', 'dModel', 'heads', 'dFF', 'vocab', 'maxPos'] as const;
	for (const k of ints) if (!Number.isInteger(c[k]) || c[k] < 1) throw new Error(`gpt2: ${k} must be a positive integer, got ${c[k]}`);
	if (c.dModel % c.heads !== 0) throw new Error(`gpt2: d_model ${c.dModel} is not a multiple of heads ${c.heads}`);
	if (c.seq !== null && (!Number.isInteger(c.seq) || c.seq < 1 || c.seq > c.maxPos))
		throw new Error(`gpt2: seq must be an integer in [1, ${c.maxPos}], got ${c.seq}`);
}
