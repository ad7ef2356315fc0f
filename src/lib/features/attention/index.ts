// The attention feature: the pattern at a layer and head, and why there is none.
export { attentionAt, type AttentionAt } from './attention-at';
export { noAttentionReason } from './structure-notes';
