// Pictures from numbers, d3-style small modules: scales and colour tables, axes and legends, canvas
// cells, chart geometry, hover readouts, and the views (slices) of captured tensors they draw.
// Figure export (DOM -> SVG/PNG) is in ./figure/.
export * from './aggregate.js';
export * from './axes.js';
export * from './bars.js';
export * from './canvas.js';
export * from './cell-keys.js';
export * from './chart-axes.js';
export * from './chart-readout.js';
export * from './chart.js';
export * from './colors.js';
export * from './diverging.js';
export * from './flow.js';
export * from './grid.js';
export * from './histogram.js';
export * from './labels.js';
export * from './legend.js';
export * from './lines.js';
export * from './mask.js';
export * from './numeric.js';
export * from './overview.js';
export * from './overview-axes.js';
export * from './paint.js';
export * from './pointer.js';
export * from './pooled.js';
export * from './readout.js';
export * from './views.js';
