/** Entry of the main step. */
import * as core from '@actions/core';
import { describe } from './errors.ts';
import { redact } from './redact.ts';
import { run } from './run.ts';

try {
  await run();
} catch (thrown) {
  core.setFailed(`op-secrets: unexpected failure: ${redact(describe(thrown))}`);
}
// The work is done: an op that never exited must not hold the step open (the runner ends the
// processes left at the end of the job). Exit once what was printed has been flushed.
process.stdout.write('', () => process.exit());
