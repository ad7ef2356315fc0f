// Captured tensors: the store every layer above shares, and their values as plain numbers.
export * from './store.js';
export * from './decode.js';
