/**
 * `npm run local`: the caller's environment reaches the action but is never printed; a failure
 * shows its SECRETS_* code; no value appears in what it prints.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type FakeConnect, startFakeConnect } from '../fakes/connect-server.ts';
import { ALL_VALUES, CONNECT_TOKEN, VAULTS } from '../fixtures/vault-data.ts';

const SCRIPT = fileURLToPath(new URL('../../scripts/local.ts', import.meta.url));
const PLANTED = 'planted-AKIA-wJalrXUtnFEMI-K7MDENG-bPxRfiCY-0a1b2c3d';

let server: FakeConnect;
before(async () => {
  server = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN });
});
after(() => server.close());

function local(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: Record<string, string> = {
    AWS_SECRET_ACCESS_KEY: PLANTED,
    MY_OTHER_SETTING: `also-${PLANTED}`,
    OP_CONNECT_HOST: server.url,
    OP_CONNECT_TOKEN: CONNECT_TOKEN,
  };
  for (const name of ['PATH', 'HOME', 'SYSTEMROOT', 'TEMP', 'TMP', 'USERPROFILE']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [SCRIPT, ...args],
      { env, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : error.code;
        if (typeof code === 'number') resolve({ code, stdout, stderr });
        else reject(new Error(`npm run local did not finish: ${String(error?.message)}`));
      },
    );
  });
}

function assertNothingShown(stdout: string, stderr: string): void {
  for (const value of [PLANTED, ...ALL_VALUES, CONNECT_TOKEN]) {
    assert.ok(!stdout.includes(value) && !stderr.includes(value), 'npm run local printed a value');
  }
}

describe('npm run local', () => {
  it('runs on the caller environment without printing it', async () => {
    const { code, stdout, stderr } = await local([
      '--with',
      'secrets=DEPLOY_TOKEN: op://Engineering/deploy/token',
      '--with',
      'export-env=true',
      '--debug',
    ]);
    assert.equal(code, 0, stdout + stderr);
    assert.match(stdout, /OP_\* variables in it: OP_CONNECT_HOST, OP_CONNECT_TOKEN\)/);
    assert.match(
      stdout,
      /resolved 1 secret via connect as outputs, and exported 1 environment variable\n/,
    );
    assert.match(stdout, /exit code 0/);
    assert.match(stdout, /outputs: DEPLOY_TOKEN, /);
    assert.doesNotMatch(stdout, /AWS_SECRET_ACCESS_KEY|MY_OTHER_SETTING/);
    assertNothingShown(stdout, stderr);
  });

  it('shows a failure with its SECRETS_* code, as the run annotations would', async () => {
    const { code, stdout, stderr } = await local([
      '--with',
      'secrets=MISSING: op://Engineering/deploy/no such field',
    ]);
    assert.equal(code, 1, stdout + stderr);
    assert.match(
      stdout,
      /^ {2}error SECRETS_REF_NOT_FOUND: MISSING \(op:\/\/Engineering\/deploy\/no such field\)/m,
    );
    assert.match(stdout, /1 of 1 secret failed; nothing was exported/);
    assertNothingShown(stdout, stderr);
  });
});
