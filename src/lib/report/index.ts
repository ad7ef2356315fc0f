// Report objects built from a graph, a Structure (analysis) and a TensorStore with the pure
// statistics (stats/): plain JSON-able data that the CLI prints and the page draws.
export * from './numeric.js';
export * from './params.js';
export * from './norms.js';
export * from './resid.js';
export * from './layers.js';
export * from './stats-plan.js';
export * from './summary.js';
export * from './masks.js';
export * from './fusion.js';
export * from './health.js';
export * from './diff.js';
export * from './lens.js';
export * from './attribution.js';
export * from './head-scores.js';
export * from './ffn.js';
export * from './model-info.js';
