// Node-only helpers (fs, os): never import this from the page or the worker.
export * from './model-file.js';
export * from './external.js';
export * from './ort.js';
export * from './dump.js';
