/** The post step (always runs): removes the secret files. Never fails the job. */
import { actionsRunner } from './actions-runner.ts';
import { cleanup } from './cleanup.ts';
import { describe } from './errors.ts';
import type { Runner } from './runner.ts';

export function run(runner: Runner = actionsRunner()): Promise<void> {
  try {
    cleanup(runner);
  } catch (thrown) {
    runner.warning(`op-secrets post step: ${describe(thrown)}`);
  }
  return Promise.resolve();
}
