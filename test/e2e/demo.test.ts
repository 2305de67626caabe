/** `npm start`: the demo runs on a fresh checkout and shows only masked values. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { it } from 'node:test';
import { promisify } from 'node:util';
import { ALL_VALUES, CONNECT_TOKEN } from '../fixtures/vault-data.ts';

it('npm start shows the masked log, the outputs and variables by name, and no value', async () => {
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    [new URL('../../scripts/demo.ts', import.meta.url).pathname],
    { timeout: 60_000 },
  );
  assert.match(stdout, /── exit code 0 ──/);
  assert.match(stdout, /outputs: DEPLOY_TOKEN, DB_PASSWORD, MFA_CODE, API_USERNAME/);
  assert.match(stdout, /exported variables: .*OP_MANAGED_VARIABLES/);
  assert.match(stdout, /shows as: \*\*\*/);
  assert.match(stdout, /removed the secret files/);
  // The printed step is the one that runs: Connect settings included, and the .env.tpl it loads.
  const [snippet = ''] = stdout.split('── workflow log');
  assert.match(snippet, /^- uses: \.\/\n {2}id: op\n/m);
  assert.match(snippet, /^ {4}OP_CONNECT_HOST: http:\/\/127\.0\.0\.1:\d+$/m);
  assert.match(snippet, /^ {4}OP_CONNECT_TOKEN: \$\{\{ secrets\.OP_CONNECT_TOKEN \}\}$/m);
  assert.match(snippet, /^ {4}OP_ENV_FILE: \.\/\.env\.tpl$/m);
  assert.match(snippet, /\.env\.tpl.*\n {2}QUEUE_PASSWORD=op:\/\/Platform\/queue\/eu\/password\n/);
  // No empty log group.
  assert.doesNotMatch(stdout, /##\[group\][^\n]*\n##\[endgroup\]/);
  // A whole item counts its five fields.
  assert.match(
    stdout,
    /resolved 11 secrets via connect as outputs, and exported 11 environment variables\n/,
  );
  for (const value of [...ALL_VALUES, CONNECT_TOKEN]) {
    assert.ok(!stdout.includes(value) && !stderr.includes(value), 'the demo printed a value');
  }
});
