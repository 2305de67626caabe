/** The built action in each auth mode, and each choice `auth-mode: auto` makes, run as the runner runs it. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { type FakeConnect, startFakeConnect } from '../fakes/connect-server.ts';
import { fakeOpEnv, fakeOpPath } from '../fakes/op/index.ts';
import { makeServiceAccountToken, startSignInServer } from '../fakes/sdk/signin-server.ts';
import { CONNECT_TOKEN, SERVICE_ACCOUNT_TOKEN, VALUES, VAULTS } from '../fixtures/vault-data.ts';
import { assertNoLeak, errorsOf, Job, type StepResult } from '../harness/index.ts';

const SECRETS = [
  'TOKEN: op://Engineering/deploy/token',
  'DB: op://Platform/db/staging/password',
  'KEY: op://Platform/api/key',
].join('\n');
const EXPECTED = {
  TOKEN: VALUES.deployToken,
  DB: VALUES.dbStagingPassword,
  KEY: VALUES.apiKeyUnsectioned,
};

const jobs: Job[] = [];
afterEach(async () => {
  for (const job of jobs.splice(0)) await job.cleanup();
});

function newJob(env: Record<string, string> = {}): Job {
  const job = new Job({ env });
  jobs.push(job);
  return job;
}

function warnings(result: StepResult) {
  return result.annotations.filter((annotation) => annotation.level === 'warning');
}

function assertResolved(result: StepResult): void {
  assert.equal(result.exitCode, 0, result.stdout);
  for (const [name, value] of Object.entries(EXPECTED)) assert.equal(result.outputs[name], value);
  assertNoLeak(result, Object.values(EXPECTED));
}

const opStepEnv = (extra: Record<string, string> = {}) => ({
  PATH: fakeOpPath(),
  ...fakeOpEnv({ signedIn: ['my-team'] }),
  ...extra,
});

describe('service account through the op CLI', () => {
  it('resolves with the token in op’s environment only, and masks the token', async () => {
    const job = newJob();
    const result = await job.step({
      inputs: {
        secrets: SECRETS,
        'auth-mode': 'service-account',
        'service-account-resolver': 'cli',
      },
      env: opStepEnv({ OP_SERVICE_ACCOUNT_TOKEN: SERVICE_ACCOUNT_TOKEN }),
    });
    assertResolved(result);
    assert.ok(result.masks.includes(SERVICE_ACCOUNT_TOKEN));
    assertNoLeak(result, [SERVICE_ACCOUNT_TOKEN]);
  });

  it('says exactly how to fix a missing op', async () => {
    const job = newJob();
    const result = await job.step({
      inputs: {
        secrets: SECRETS,
        'auth-mode': 'service-account',
        'service-account-resolver': 'cli',
      },
      env: { PATH: '/nonexistent', OP_SERVICE_ACCOUNT_TOKEN: SERVICE_ACCOUNT_TOKEN },
    });
    assert.equal(result.exitCode, 1);
    assert.equal(errorsOf(result).length, 1);
    assert.equal(errorsOf(result)[0]?.title, 'SECRETS_PROVIDER_UNAVAILABLE');
    assert.match(
      errorsOf(result)[0]?.message ?? '',
      /op CLI not found in PATH - install 1password-cli to use this provider/,
    );
    assert.deepEqual(result.outputs, {});
  });

  it('scrubs a token that op echoes in its error', async () => {
    const job = newJob();
    const result = await job.step({
      inputs: {
        secrets: SECRETS,
        'auth-mode': 'service-account',
        'service-account-resolver': 'cli',
      },
      env: {
        ...opStepEnv({ OP_SERVICE_ACCOUNT_TOKEN: SERVICE_ACCOUNT_TOKEN }),
        ...fakeOpEnv({ fault: 'echo-token' }),
      },
    });
    assert.equal(result.exitCode, 1);
    assertNoLeak(result, [SERVICE_ACCOUNT_TOKEN]);
  });

  it('an Environment ID that reads like an option (--help): SECRETS_CONFIG_INVALID, op never run', async () => {
    const job = newJob();
    const log = join(job.runnerTemp, 'op.log');
    const result = await job.step({
      inputs: {
        secrets: SECRETS,
        environment: '--help',
        'auth-mode': 'service-account',
        'service-account-resolver': 'cli',
      },
      env: {
        ...opStepEnv({ OP_SERVICE_ACCOUNT_TOKEN: SERVICE_ACCOUNT_TOKEN }),
        ...fakeOpEnv({ logFile: log }),
      },
    });
    assert.equal(result.exitCode, 1, result.stdout);
    assert.deepEqual(
      errorsOf(result).map((error) => error.title),
      ['SECRETS_CONFIG_INVALID'],
    );
    assert.match(
      errorsOf(result)[0]?.message ?? '',
      /environment \(or OP_ENVIRONMENT_ID\) "--help"/,
    );
    assert.deepEqual(result.outputs, {});
    // The launcher notes every op started, before the fake itself logs.
    assert.equal(existsSync(`${log}.pids`), false, 'op was run');
    assert.equal(existsSync(log), false, 'op was run');
  });
});

describe('cli mode (a signed-in account)', () => {
  it('resolves through the account session, ignoring tokens in the environment', async () => {
    const job = newJob();
    const result = await job.step({
      inputs: { secrets: SECRETS, 'auth-mode': 'cli', account: 'my-team' },
      env: opStepEnv({ OP_SERVICE_ACCOUNT_TOKEN: 'ops_not-for-op' }),
    });
    assertResolved(result);
  });

  it('fails closed when the account is not signed in', async () => {
    const job = newJob();
    const result = await job.step({
      inputs: { secrets: SECRETS, 'auth-mode': 'cli', account: 'someone-else' },
      env: opStepEnv(),
    });
    assert.equal(result.exitCode, 1);
    assert.equal(errorsOf(result).length, 1);
    assert.equal(errorsOf(result)[0]?.title, 'SECRETS_PROVIDER_UNAVAILABLE');
    assert.match(errorsOf(result)[0]?.message ?? '', /signed in/);
  });
});

describe('service account through the SDK (offline: the real SDK against a loopback sign-in server)', () => {
  it('rejects a malformed token at once, without a request and without echoing it', async () => {
    const job = newJob();
    const token = 'ops_bm90LWEtdG9rZW4';
    const started = Date.now();
    const result = await job.step({
      inputs: { secrets: SECRETS },
      env: { OP_SERVICE_ACCOUNT_TOKEN: token },
    });
    assert.equal(result.exitCode, 1);
    assert.equal(errorsOf(result).length, 1);
    assert.equal(errorsOf(result)[0]?.title, 'SECRETS_PROVIDER_UNAVAILABLE');
    assert.match(
      errorsOf(result)[0]?.message ?? '',
      /could not sign in: invalid service account token/,
    );
    // At once is what the message shows (a timeout would say so); the bound only catches a hang,
    // wide for a Node.js step that loads the SDK on a busy machine.
    assert.ok(Date.now() - started < 60_000);
    assertNoLeak(result, [token]);
  });

  it('reports a rejected sign-in once, with the token masked', async () => {
    const server = await startSignInServer({ status: 401 });
    try {
      const token = makeServiceAccountToken(server.url);
      const job = newJob();
      const result = await job.step({
        inputs: { secrets: SECRETS, 'auth-mode': 'service-account' },
        env: { OP_SERVICE_ACCOUNT_TOKEN: token },
      });
      assert.equal(result.exitCode, 1);
      assert.equal(errorsOf(result).length, 1);
      assert.equal(errorsOf(result)[0]?.title, 'SECRETS_PROVIDER_UNAVAILABLE');
      assert.match(errorsOf(result)[0]?.message ?? '', /could not sign in/);
      assert.equal(server.requests.length, 1, 'a 401 must not be retried');
      assertNoLeak(result, [token]);
    } finally {
      await server.close();
    }
  });
});

describe('auth-mode: auto', () => {
  let connect: FakeConnect;
  before(async () => {
    connect = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN });
  });
  after(() => connect.close());

  it('prefers Connect, with a warning, when a service-account token is set too', async () => {
    const job = newJob();
    const result = await job.step({
      inputs: { secrets: SECRETS },
      env: {
        OP_CONNECT_HOST: connect.url,
        OP_CONNECT_TOKEN: CONNECT_TOKEN,
        OP_SERVICE_ACCOUNT_TOKEN: SERVICE_ACCOUNT_TOKEN,
      },
    });
    assertResolved(result);
    assert.ok(warnings(result).some((warning) => /using Connect/.test(warning.message)));
  });

  it('picks the service account when only its token is set', async () => {
    const server = await startSignInServer({ status: 401 });
    try {
      const job = newJob();
      const result = await job.step({
        inputs: { secrets: SECRETS },
        env: { OP_SERVICE_ACCOUNT_TOKEN: makeServiceAccountToken(server.url) },
      });
      assert.equal(result.exitCode, 1);
      assert.equal(server.requests.length, 1, 'the SDK did not try to sign in');
    } finally {
      await server.close();
    }
  });

  it('fails closed when nothing is configured', async () => {
    const job = newJob();
    const result = await job.step({ inputs: { secrets: SECRETS } });
    assert.equal(result.exitCode, 1);
    assert.equal(errorsOf(result)[0]?.title, 'SECRETS_PROVIDER_UNAVAILABLE');
  });
});
