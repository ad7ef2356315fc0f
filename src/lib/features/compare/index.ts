// Two models side by side.
export { CompareModel, SAME_MODEL, defaultPartner, type ComparePhase } from './compare.svelte';
