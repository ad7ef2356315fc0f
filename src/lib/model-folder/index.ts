export { type FolderFile, normPath, dirOf, baseName, findUp, stripCommonRoot } from './files.js';
export { type Variant, listVariants, chooseVariant, nameDtype } from './variants.js';
export { type ModelFolder, openFolder, externalFiles } from './folder.js';
export { type WeightSummary, weightSummary } from './quantization.js';
