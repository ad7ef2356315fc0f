// The environment-neutral core of running a model: sessions that capture intermediates, the
// capture plan under a memory budget, default inputs, and the size limits. Node-only helpers
// (files, the ORT loader, dumps) are in ./node/index.ts; the browser's Web Worker is src/lib/worker.
export * from './capture.js';
export * from './plan.js';
export * from './inputs.js';
export * from './limits.js';
// Feeds of a model as downloaded (tokenizer, KV caches, merged decoders) and the graph it is captured on.
export * from './model-inputs.js';
export * from './text-feeds.js';
export * from './kv-cache.js';
export * from './branch.js';
// Long inputs: summaries of each attention pattern computed by appended graph nodes, and their plan.
export * from './long.js';
export * from './long-plan.js';
export * from './long-norms.js';
export * from './long-logits.js';
