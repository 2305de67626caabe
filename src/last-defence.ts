/**
 * The entries' last line of defence: whatever nobody foresaw (a throw out of a step, an
 * 'uncaughtException' or 'unhandledRejection' anywhere) ends as one coded annotation with its
 * credentials scrubbed, never Node's stack trace. The main step fails; the post step only warns,
 * as it never fails the job.
 */
import { actionsRunner } from './actions-runner.ts';
import { Code, describe } from './errors.ts';
import { redact } from './redact.ts';
import type { Runner } from './runner.ts';

export type Step = 'main' | 'post';

/** The most of an unforeseen error's text shown. */
const MESSAGE_CHARS = 1000;

function report(step: Step, runner: Runner, thrown: unknown): void {
  const message = `unexpected failure: ${redact(describe(thrown)).slice(0, MESSAGE_CHARS)}`;
  if (step === 'main') {
    runner.error(message, Code.providerUnavailable);
    runner.fail();
  } else {
    runner.warning(`op-secrets post step: ${message}`);
  }
}

/**
 * Runs a step's work with the last line of defence in place. An error outside the work's own
 * flow leaves the process in no state to go on: it is reported, then the process exits once
 * the report is written (1 for the main step, 0 for the post step).
 */
export async function guarded(
  step: Step,
  work: () => Promise<void>,
  runner: Runner = actionsRunner(),
): Promise<void> {
  let ending = false;
  const fatal = (thrown: unknown) => {
    if (ending) return; // one report: the first error is the cause
    ending = true;
    try {
      report(step, runner, thrown);
    } catch {
      // stdout itself is gone: the exit code still tells.
    }
    process.stdout.write('', () => process.exit(step === 'main' ? 1 : 0));
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  try {
    await work();
  } catch (thrown) {
    report(step, runner, thrown);
  }
}
