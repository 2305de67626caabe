/** Entry of the post step (always runs). */
import * as core from '@actions/core';
import { cleanup } from './cleanup.ts';
import { describe } from './errors.ts';

try {
  cleanup();
} catch (thrown) {
  core.warning(`op-secrets post step: ${describe(thrown)}`);
}
