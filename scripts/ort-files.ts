// onnxruntime-web's files the app loads at run time, served under /ort/: one list for the build
// (scripts/vite-assets.ts emits them) and the service worker (caches them for offline use).
// The WebGPU bundle loads the asyncify build for both of its EPs (webgpu and wasm).
export const ORT_FILES = ['ort-wasm-simd-threaded.asyncify.wasm', 'ort-wasm-simd-threaded.asyncify.mjs'] as const;
