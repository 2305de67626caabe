/**
 * `npm run local -- --with secrets='DB: op://Private/db/password' [--with name=value ...] [--debug]`
 * runs the built action on your own inputs and environment (a service-account token, a Connect
 * host, a signed-in op) exactly as a self-hosted runner started from your shell would, without
 * pushing a workflow. Your environment is inherited by the action as the runner's own
 * environment: it is never printed, only the names of the `OP_*` variables in it. It prints the
 * log as the runner shows it (masked), the annotations with their `SECRETS_*` codes (masked),
 * and the names of the outputs and variables, never a value.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Job } from '../test/harness/index.ts';

const { values } = parseArgs({
  options: {
    with: { type: 'string', multiple: true, default: [] },
    debug: { type: 'boolean', default: false },
  },
});
const inputs: Record<string, string> = {};
for (const pair of values.with) {
  const at = pair.indexOf('=');
  if (at <= 0) throw new Error(`--with takes name=value, got "${pair}"`);
  inputs[pair.slice(0, at)] = pair.slice(at + 1);
}
const runnerEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    (entry): entry is [string, string] =>
      entry[1] !== undefined && !/^(INPUT_|GITHUB_|RUNNER_|STATE_|npm_)/i.test(entry[0]),
  ),
);
// The step runs in the job's workspace: a relative OP_ENV_FILE means one under your directory.
const envFile = runnerEnv['OP_ENV_FILE'];
if (envFile !== undefined && envFile !== '') runnerEnv['OP_ENV_FILE'] = path.resolve(envFile);
const stepEnv: Record<string, string> = values.debug ? { ACTIONS_STEP_DEBUG: 'true' } : {};
// Credentials are masked from the start, as `${{ secrets.X }}` would be in a workflow.
const credentials = [
  runnerEnv['OP_SERVICE_ACCOUNT_TOKEN'],
  runnerEnv['OP_CONNECT_TOKEN'],
  runnerEnv['OP_INTEGRATION_KEY'],
  inputs['service-account-token'],
  inputs['connect-token'],
  inputs['integration-key'],
].filter((token): token is string => token !== undefined && token.trim() !== '');

const opNames = Object.keys(runnerEnv)
  .filter((name) => /^OP_/i.test(name))
  .sort();
console.log(
  `your environment is passed to the action, not printed (OP_* variables in it: ${opNames.join(', ') || 'none'})\n`,
);

const job = new Job({ secrets: credentials, runnerEnv });
try {
  const main = await job.step({ inputs, env: stepEnv });
  for (const line of main.log) console.log(line);
  console.log(`\nexit code ${main.exitCode}`);
  if (main.annotations.length > 0) {
    console.log('annotations:');
    for (const { level, title, message } of main.annotations) {
      // As the workflow run's annotations show them: level, title (the SECRETS_* code), message.
      console.log(job.mask(`  ${level}${title ? ` ${title}` : ''}: ${message}`));
    }
  }
  console.log('outputs:', Object.keys(main.outputs).join(', ') || '(none)');
  console.log('exported variables:', Object.keys(main.exportedEnv).join(', ') || '(none)');
  for (const post of await job.post()) for (const line of post.log) console.log(line);
  process.exitCode = main.exitCode ?? 1;
} finally {
  await job.cleanup();
}
