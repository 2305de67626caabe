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
  for (const value of [...ALL_VALUES, CONNECT_TOKEN]) {
    assert.ok(!stdout.includes(value) && !stderr.includes(value), 'the demo printed a value');
  }
});
