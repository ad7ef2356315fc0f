// Figure export: a heatmap or chart on the page as a standalone SVG or PNG, captions and file names.
export { figurePng, figureSvg } from './export.js';
export { blobPart, captionLines, captionParts, captionText, fileName, saveBlob, type Caption } from './file.js';
