// The captured-tensor store every layer above shares.
export * from './store.js';
