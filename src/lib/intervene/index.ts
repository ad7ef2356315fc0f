// Interventions by graph rewrite (between analysis and runtime): which tensor each one replaces,
// the ops that replace it, and the wire edit the runtime applies to the bytes ORT parses; and the
// model's read-out anatomy (per-head z and W_O, the unembedding) that the lens and attribution use.
export * from './types.js';
export * from './parse.js';
export { headSite, headSites, hookZ, constFloats, woMatrix, type HeadSite } from './heads.js';
export { findUnembed, headPath, normParams, unembedding, type HeadPath, type UnembedSite } from './unembed.js';
export { hookTarget, targetOf } from './targets.js';
export { buildEdit, type Edit, type EditEntry, type EditInput } from './edit.js';
export { applyWireEdit, WireError, type Rename, type WireEdit } from './wire.js';
