export * from './types.js';
export { analyze } from './analyze.js';
export { toInspectJson, hookOf, type InspectStructure, type InspectLayer, type InspectNorm } from './json.js';
export { layerHint } from './layers.js';
export { parseConfig, applyHints, headDimOf, type ConfigHints } from './hints.js';
export { cacheName, fusedPresentHooks, isCacheBranchFlag, presentHook, type CacheName, type CacheKind } from './kv-names.js';
export { mlpActivation, mlpActivations, type ActivationInfo } from './activation.js';
