export * from '../tensor/store.js';
export * from './capture.js';
