// The tensor list and the tensor panel.
export { scrollToRow, visibleRange } from './virtual';
export { tokenRows } from './token-rows';
