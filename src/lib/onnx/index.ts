export * from './dtype.js';
export * from './errors.js';
export * from './read.js';
export * from './graph.js';
export * from './tensor.js';
export * from './rewrite.js';
export * from './external.js';
