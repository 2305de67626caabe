/**
 * `npm run local -- --with secrets='DB: op://Private/db/password' [--with name=value ...] [--debug]`
 * runs the built action on your own inputs and environment (a service-account token, a Connect
 * host, a signed-in op) exactly as the runner would, without pushing a workflow. It prints the
 * log as the runner shows it (masked) and the names of the outputs and variables, never a value.
 */
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
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    (entry): entry is [string, string] =>
      entry[1] !== undefined && !/^(INPUT_|GITHUB_|RUNNER_|npm_)/i.test(entry[0]),
  ),
);
if (values.debug) env['ACTIONS_STEP_DEBUG'] = 'true';
const tokens = ['OP_SERVICE_ACCOUNT_TOKEN', 'OP_CONNECT_TOKEN']
  .map((name) => env[name])
  .filter((token): token is string => token !== undefined && token !== '');

const job = new Job({ secrets: tokens });
try {
  const main = await job.step({ inputs, env });
  for (const line of main.log) console.log(line);
  console.log(`\nexit code ${main.exitCode}`);
  console.log('outputs:', Object.keys(main.outputs).join(', ') || '(none)');
  console.log('exported variables:', Object.keys(main.exportedEnv).join(', ') || '(none)');
  for (const post of await job.post()) for (const line of post.log) console.log(line);
  process.exitCode = main.exitCode ?? 1;
} finally {
  await job.cleanup();
}
