/** The main step: loads the secrets. No side effects on import: src/index.ts runs it. */
import { actionsRunner } from './actions-runner.ts';
import { Code, describe } from './errors.ts';
import { redact } from './redact.ts';
import { loadSecrets, type Open } from './run.ts';
import type { Runner } from './runner.ts';
import { IGNORED_WARNING, keepTlsVerification } from './tls.ts';

export async function run(runner: Runner = actionsRunner(), open?: Open): Promise<void> {
  try {
    // Before anything connects: Node reads the variable at every TLS connection.
    if (keepTlsVerification()) runner.warning(IGNORED_WARNING);
    await loadSecrets(runner, open);
  } catch (thrown) {
    runner.error(`unexpected failure: ${redact(describe(thrown))}`, Code.providerUnavailable);
    runner.fail();
  }
}
