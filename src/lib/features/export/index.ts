// Figures and tensors out of the page: the export caption, `.npy` / `.npz` of what the page holds.
export { describeInput } from './caption-input';
export { npyName, npyWritable, npzMeta, npzNaming, pageNpz, selectiveLayer, tensorNpy, type PageRun } from './tensors';
