export * from './config.js';
export { gpt2Plan, type Gpt2Plan, type WeightSpec } from './graph.js';
export { writeGpt2, type WrittenModel } from './write.js';
