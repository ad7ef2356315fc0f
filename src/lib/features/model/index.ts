// Opening and running a model: the page's runtime session and what every runtime view shares.
export { RuntimeSession, type CaptureChoice, type Phase, type SessionOptions } from './session.svelte';
export { failedStep, stepWords, type FailedStep, type SessionError } from './session-failure';
export { droppedFiles, pickedFiles, type PickedFiles } from './files';
export { connector, errorText, latestWins, zooListUrl, zooSource, type Connect, type Latest, type Runtime } from './runtime';
export { diffLengthError, fieldOfB, inputOfB, lengthNote, setB } from './second-input';
