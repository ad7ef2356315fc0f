// erf to ~1e-15 (Math has none): the Maclaurin series near 0, and for |x| >= 3 erfc's continued
// fraction (modified Lentz), where the series would lose digits to cancellation.
export function erf(x: number): number {
	if (Number.isNaN(x)) return NaN;
	const ax = Math.abs(x);
	if (ax < 3) {
		// erf x = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
		let term = x,
			sum = x;
		for (let n = 1; n < 100; n++) {
			term *= (-x * x) / n;
			const t = term / (2 * n + 1);
			sum += t;
			if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
		}
		return (2 / Math.sqrt(Math.PI)) * sum;
	}
	if (!Number.isFinite(ax)) return Math.sign(x);
	// erfc x = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))
	const tiny = 1e-300;
	let f = ax,
		C = ax,
		D = 0;
	for (let n = 1; n < 200; n++) {
		const an = n / 2;
		D = ax + an * D;
		D = 1 / (Math.abs(D) < tiny ? tiny : D);
		C = ax + an / C;
		C = Math.abs(C) < tiny ? tiny : C;
		const delta = C * D;
		f *= delta;
		if (Math.abs(delta - 1) < 1e-16) break;
	}
	return Math.sign(x) * (1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f);
}
