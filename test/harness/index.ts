// A faithful, minimal GitHub runner for one job, to run the built action and its post step.
// See runner.ts for what it reproduces and leak.ts for the leak check.

export { assertFailedWith, errorsOf } from './assertions.ts';
export { assertNoLeak } from './leak.ts';
export { Job, loadActionDefinition, type StepOptions, type StepResult } from './runner.ts';
