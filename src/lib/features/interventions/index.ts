// The what-if view: interventions, their diff against the clean run, the logit lens and attribution.
export { WhatIfModel, parseEntries, type WhatIfPhase } from './interventions.svelte';
export { KINDS, interventionOf, readWhatIf, toggleEntry, writeWhatIf, type Entry, type Kind, type Target, type WhatIfParams } from './url';
export { tokenText } from './vocab';
