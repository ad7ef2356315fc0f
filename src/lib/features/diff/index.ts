// The backend diff (WebGPU vs WASM).
export { BackendDiffModel, type DiffPhase, type DiffSource } from './backend-diff.svelte';
export {
	bySide,
	formatPerturb,
	hookMap,
	leadOf,
	otherBackend,
	parsePerturb,
	perturbed,
	storeFrom,
	whereText,
	type Perturb
} from './diff-view';
