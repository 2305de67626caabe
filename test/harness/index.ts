// A faithful, minimal GitHub runner for one job, to run the built action and its post step.
// See runner.ts for what it reproduces and leak.ts for the leak check.

export {
  escapeData,
  escapeProperty,
  type ParsedCommand,
  parseCommand,
  unescapeData,
  unescapeProperty,
} from './commands.ts';
export { assertFailedWith, errorsOf } from './assertions.ts';
export { envFilePairs, parseEnvFile } from './file-commands.ts';
export { assertNoLeak, MIN_LINE_LENGTH } from './leak.ts';
export { maskedFormsOf, SecretMasker, splitMaskLines } from './masker.ts';
export {
  type Annotation,
  Job,
  type LogEntry,
  loadActionDefinition,
  type RawLine,
  type StepOptions,
  type StepResult,
  type WorkflowCommand,
} from './runner.ts';
