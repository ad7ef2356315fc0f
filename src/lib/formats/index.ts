// File formats, pure (bytes in, bytes out): NumPy .npy and .npz, ZIP (fflate), PNG text chunks,
// and the tensor manifest. Imports nothing above onnx/ and tensor/.
export * from './npy.js';
export * from './npz.js';
export * from './zip.js';
export * from './png.js';
export * from './manifest.js';
