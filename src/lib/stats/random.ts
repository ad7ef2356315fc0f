// Seeded randomness shared by the zoo generator, the page and the CLI: the same seed gives the
// same numbers everywhere (Math.random is never used for anything a user can see).

/** mulberry32: a small, fast 32-bit generator; returns floats in [0, 1). */
export function uniform(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Standard normal samples (Box-Muller on the uniform stream above). */
export function normal(seed: number): () => number {
	const u = uniform(seed);
	let spare: number | null = null;
	return () => {
		if (spare !== null) {
			const s = spare;
			spare = null;
			return s;
		}
		let u1 = u();
		while (u1 <= 1e-12) u1 = u();
		const r = Math.sqrt(-2 * Math.log(u1));
		const th = 2 * Math.PI * u();
		spare = r * Math.sin(th);
		return r * Math.cos(th);
	};
}

/** Integers in [lo, hi), seeded. */
export function integers(seed: number, lo: number, hi: number): () => number {
	const u = uniform(seed);
	return () => lo + Math.floor(u() * (hi - lo));
}
