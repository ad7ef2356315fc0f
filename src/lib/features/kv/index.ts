// A KV-cache model's keys and values (present.* outputs) per head.
export { kvHeadFor, kvLayout, kvTensorsOf, positionNorms, type KvLayout, type KvTensors } from './kv-view';
