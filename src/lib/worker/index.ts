// The browser's runtime service, above report/: a Web Worker that reads, runs and captures a model
// (worker.ts, never imported: the client starts it), the page's client, the messages between them,
// and what the page shows of them (progress text, the test hook, the zoo list, the backend choice).
export * from './protocol.js';
export { RuntimeClient, RuntimeError } from './client.js';
export { fallbackReason, label, parseBackend, plan as backendAttempts, webgpuUnavailable, type Attempt, type BackendChoice } from './ep.js';
export { describeProgress, describeResult } from './progress.js';
export { installHook, makeHook, type BlockscopeHook, type HookTensor } from './test-hook.js';
export { DEFAULT_MODEL_ID, loadZoo, pickModel, type ZooEntry } from './zoo.js';
export { hooksByTensor, structureInfo, tryAnalyze } from './structure.js';
export { findPatterns, type DimsLookup } from './attention.js';
export { fetchModel } from './fetch.js';
export { pickFolder, type PickedFolder } from './folder.js';
