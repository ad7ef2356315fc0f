// The attention feature: the pattern at a layer and head, and why there is none.
export { attentionAt, type AttentionAt, type TensorLookup } from './attention-at';
export { noAttentionReason } from './structure-notes';
export { ATTENTION_SCALES, SCALE_NAMES, parseScale, scaleAttention, type AttentionScale } from './scale';
export { heldSummary, longPattern, OVERVIEW_TARGET, type LongPattern } from './long';
