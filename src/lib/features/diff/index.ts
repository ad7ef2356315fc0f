// The backend diff (WebGPU vs WASM).
export { BackendDiffModel, type DiffPhase, type DiffSource } from './backend-diff.svelte';
export {
	bySide,
	diffRuns,
	formatPerturb,
	hookMap,
	leadOf,
	otherBackend,
	parsePerturb,
	perturbed,
	sidesOf,
	storeFrom,
	toleranceText,
	whereText,
	type DiffSides,
	type Perturb
} from './diff-view';
