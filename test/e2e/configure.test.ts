/**
 * The configure sub-action (configure/action.yml, dist/configure.js) run as the runner runs it:
 * what it exports to GITHUB_ENV, that every credential is masked before anything else is printed,
 * and that a later load step of the same job reaches the fake Connect server through what it
 * exported. Its rules are tested in-process: test/unit/configure.test.ts.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { type FakeConnect, startFakeConnect } from '../fakes/connect-server.ts';
import { CONNECT_TOKEN, SERVICE_ACCOUNT_TOKEN, VALUES, VAULTS } from '../fixtures/vault-data.ts';
import {
  assertFailedWith,
  assertNoLeak,
  errorsOf,
  Job,
  type StepResult,
} from '../harness/index.ts';

let server: FakeConnect;
const jobs: Job[] = [];

before(async () => {
  server = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN });
});
after(() => server.close());
afterEach(async () => {
  for (const job of jobs.splice(0)) await job.cleanup();
});

function newJob(env: Record<string, string> = {}): Job {
  const job = new Job({ env });
  jobs.push(job);
  return job;
}

/** Every `::add-mask::` line of the step comes before any other line it printed. */
function assertMasksFirst(result: StepResult, credentials: readonly string[]): void {
  for (const credential of credentials) {
    assert.ok(result.masks.includes(credential), 'a credential was not masked');
  }
  const lines = result.stdout.split('\n').filter((line) => line !== '');
  const firstOther = lines.findIndex((line) => !line.startsWith('::add-mask::'));
  assert.equal(firstOther, credentials.length, result.stdout);
}

describe('configure', () => {
  it('exports the Connect settings, token masked first, and a later load step uses them', async () => {
    const job = newJob();
    const configured = await job.step({
      uses: 'configure',
      inputs: { 'connect-host': server.url, 'connect-token': CONNECT_TOKEN },
    });
    assert.equal(configured.exitCode, 0, configured.stdout);
    assert.deepEqual(configured.exportedEnv, {
      OP_CONNECT_HOST: server.url,
      OP_CONNECT_TOKEN: CONNECT_TOKEN,
    });
    assert.deepEqual(configured.outputs, {});
    assertMasksFirst(configured, [CONNECT_TOKEN]);
    assert.deepEqual(configured.annotations, []);
    assert.ok(
      configured.log.includes(
        "configured for the job's later steps: OP_CONNECT_HOST, OP_CONNECT_TOKEN",
      ),
    );

    // The main action, later in the same job, with no credentials of its own.
    const loaded = await job.step({ inputs: { secrets: 'DEPLOY: op://Engineering/deploy/token' } });
    assert.equal(loaded.exitCode, 0, loaded.stdout);
    assert.equal(loaded.outputs['DEPLOY'], VALUES.deployToken);
    await job.post();
    assertNoLeak([configured, loaded], [CONNECT_TOKEN, VALUES.deployToken]);
  });

  it("falls back to the step's OP_* variables and makes them the job's", async () => {
    const job = newJob();
    const result = await job.step({
      uses: 'configure',
      env: {
        OP_SERVICE_ACCOUNT_TOKEN: SERVICE_ACCOUNT_TOKEN,
        OP_ENVIRONMENT_ID: 'fixtureenvironment00000001',
      },
    });
    assert.equal(result.exitCode, 0, result.stdout);
    assert.deepEqual(result.exportedEnv, {
      OP_SERVICE_ACCOUNT_TOKEN: SERVICE_ACCOUNT_TOKEN,
      OP_ENVIRONMENT_ID: 'fixtureenvironment00000001',
    });
    assert.equal(job.env['OP_SERVICE_ACCOUNT_TOKEN'], SERVICE_ACCOUNT_TOKEN);
    assertMasksFirst(result, [SERVICE_ACCOUNT_TOKEN]);
    assertNoLeak(result, [SERVICE_ACCOUNT_TOKEN]);
  });

  it('exports workload identity settings, the integration key masked first', async () => {
    const job = newJob();
    const key = `ops_${Buffer.from('{"ver":1,"key":"fixture integration key"}').toString('base64')}`;
    const result = await job.step({
      uses: 'configure',
      inputs: {
        'workload-id': 'fixtureworkload00000000001',
        'integration-key': key,
        environment: 'fixtureenvironment00000001',
      },
    });
    assert.equal(result.exitCode, 0, result.stdout);
    assert.deepEqual(result.exportedEnv, {
      OP_WORKLOAD_ID: 'fixtureworkload00000000001',
      OP_INTEGRATION_KEY: key,
      OP_ENVIRONMENT_ID: 'fixtureenvironment00000001',
    });
    assertMasksFirst(result, [key]);
    assertNoLeak(result, [key]);
  });

  it('fails a malformed host with SECRETS_CONFIG_INVALID, exporting nothing, the token still masked', async () => {
    const job = newJob();
    const result = await job.step({
      uses: 'configure',
      inputs: { 'connect-host': 'connect.internal:8080', 'connect-token': CONNECT_TOKEN },
    });
    assertFailedWith(result, 'SECRETS_CONFIG_INVALID', /connect-host/);
    assertMasksFirst(result, [CONNECT_TOKEN]);
    assertNoLeak(result, [CONNECT_TOKEN]);
  });

  it('warns when nothing is set, and succeeds: the load step says what is missing', async () => {
    const job = newJob();
    const result = await job.step({ uses: 'configure', inputs: { 'connect-token': '' } });
    assert.equal(result.exitCode, 0, result.stdout);
    assert.deepEqual(result.exportedEnv, {});
    assert.deepEqual(errorsOf(result), []);
    assert.deepEqual(
      result.annotations.map((annotation) => annotation.level),
      ['warning'],
    );
    assert.match(result.annotations[0]?.message ?? '', /^nothing to configure/);
  });
});
