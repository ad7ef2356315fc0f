export * from './store.js';
export * from './capture.js';
