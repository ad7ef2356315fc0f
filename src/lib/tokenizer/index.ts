export { loadTokenizer, type TextTokenizer, type Token } from './load.js';
export { tokenText, isByteLevel, SPACE_MARK } from './display.js';
