// The page's state and its URL: what src/routes composes.
export { Debugger, type DebuggerOptions } from './debugger.svelte';
export { Selection, type Bounds, type CellRef, type CellSource } from './selection.svelte';
export { readLocation, writeLocation } from './location';
export { readPage, readParams, writePage, writeParams, type PageParams, type ViewParams } from './url';
