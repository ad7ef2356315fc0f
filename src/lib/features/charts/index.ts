// Norm and residual-stream charts: their shared state, one model's numbers, the flow series.
export { ChartState } from './charts.svelte';
export { StatsView, type StatsSource } from './stats-view.svelte';
export { COLORS, ratioSeries, streamSeries, type FlowSeries, type FlowValue, type StreamOptions } from './flow-series';
