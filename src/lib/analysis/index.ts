export * from './types.js';
export { analyze } from './analyze.js';
export { toInspectJson, hookOf, type InspectStructure, type InspectLayer, type InspectNorm } from './json.js';
export { layerHint } from './layers.js';
