// Shared primitives: heatmap, chart frame, readouts, export menu. Components are imported by
// file (`$lib/components/Heatmap.svelte`); the types they take are here.
export type { AnyReadout } from './readout';
export { exportCaption, setExportCaption, type CaptionSource } from './export-caption';
