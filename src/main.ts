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
