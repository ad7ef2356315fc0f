// Two models side by side.
export { CompareModel, defaultPartner, type ComparePhase } from './compare.svelte';
