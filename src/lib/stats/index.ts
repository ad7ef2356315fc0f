export * from './random.js';
export * from './rows.js';
export * from './moments.js';
export * from './norms.js';
export * from './residual.js';
export * from './attention.js';
export * from './health.js';
export * from './head-scores.js';
