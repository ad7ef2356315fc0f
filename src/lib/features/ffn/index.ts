// The FFN feature: each MLP's activation and what it did on this input.
export { ffnOf, activationLabel, fmt, pct } from './ffn-view';
