/** The main step: loads the secrets. No side effects on import: src/index.ts runs it. */
import { actionsRunner } from './actions-runner.ts';
import { Code, describe } from './errors.ts';
import { redact } from './redact.ts';
import { loadSecrets, type Open } from './run.ts';
import type { Runner } from './runner.ts';

export async function run(runner: Runner = actionsRunner(), open?: Open): Promise<void> {
  try {
    await loadSecrets(runner, open);
  } catch (thrown) {
    runner.error(`unexpected failure: ${redact(describe(thrown))}`, Code.providerUnavailable);
    runner.fail();
  }
}
