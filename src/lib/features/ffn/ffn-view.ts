// The FFN panel's data: the report's MLP detail for a layer (the same function as the CLI's
// layers[i].mlp), and how its numbers read.
import { mlpDetail, type MlpDetail, type StatsPlan } from '$lib/report';
import type { TensorStore } from '$lib/tensor';

/** The layer's MLP detail, or null where the plan has no activation for it. */
export function ffnOf(plan: StatsPlan | null, layer: number, store: TensorStore): MlpDetail | null {
	const a = plan?.mlp?.[layer];
	const L = plan?.layers[layer];
	return a && L ? mlpDetail(a, L.index, store) : null;
}

const NAMES: Record<string, string> = {
	relu: 'ReLU',
	gelu_erf: 'GELU (exact, erf)',
	gelu_tanh: 'GELU (tanh approximation)',
	gelu_sigmoid: 'GELU (sigmoid approximation, x·σ(1.702x))',
	silu: 'SiLU (x·σ(x))',
	tanh: 'tanh',
	sigmoid: 'sigmoid',
	leaky_relu: 'leaky ReLU',
	mish: 'Mish'
};

/** "SwiGLU: SiLU (x·σ(x)) gate × up" / "GELU (exact, erf) · Gelu". */
export function activationLabel(d: Pick<MlpDetail, 'activation' | 'gated' | 'op' | 'alpha'>): string {
	const name = NAMES[d.activation] ?? d.activation;
	const alpha = d.alpha !== null && d.activation === 'leaky_relu' ? ` α=${d.alpha}` : '';
	const op = d.op === 'decomposed' ? 'decomposed' : d.op;
	return d.gated ? `gated: ${name}${alpha} gate × up · ${op}` : `${name}${alpha} · ${op}`;
}

/** Four significant digits; exponent form for tiny or huge values. */
export function fmt(x: number | null | undefined): string {
	if (x === null || x === undefined || Number.isNaN(x)) return 'n/a';
	if (x === 0) return '0';
	const a = Math.abs(x);
	return a < 1e-3 || a >= 1e5 ? x.toExponential(3) : String(Number(x.toPrecision(4)));
}

export function pct(x: number | null | undefined): string {
	return x === null || x === undefined || Number.isNaN(x) ? 'n/a' : `${(100 * x).toFixed(1)}%`;
}
