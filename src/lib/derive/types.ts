// What deriving produces: a tensor for the store, and how well it explains the op's own output.
export interface DerivedPattern {
	dims: number[]; // (B, H, S, T)
	data: Float32Array;
	/** max |pattern @ V - the op's output|; null when the output was not captured. */
	selfCheck: number | null;
}
