/**
 * The pipeline in-process with 1Password Environments and workload identity, through the door
 * to the runner: the SDK through its seam (the fake client), Connect through its fake server.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SdkSource } from '../../src/backends/sdk.ts';
import { Code } from '../../src/errors.ts';
import { run } from '../../src/main.ts';
import type { Open } from '../../src/run.ts';
import { type FakeConnect, startFakeConnect } from '../fakes/connect-server.ts';
import { createFakeSdkClient, type FakeSdk } from '../fakes/sdk/fake-client.ts';
import {
  CONNECT_TOKEN,
  ENVIRONMENT_IDS,
  INTEGRATION_KEY,
  SERVICE_ACCOUNT_TOKEN,
  STAGING_VARIABLES,
  VALUES,
  VAULTS,
  WORKLOAD_ID,
} from '../fixtures/vault-data.ts';
import { MemoryRunner, type MemoryRunnerOptions } from '../support/memory-runner.ts';

const OIDC_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJmaXh0dXJlcyJ9.fixture-oidc-signature-3c9d';

let runnerTemp: string;
let fake: FakeSdk;
let opened: string[];

beforeEach(() => {
  runnerTemp = mkdtempSync(join(tmpdir(), 'pipeline-env-test-'));
  fake = createFakeSdkClient();
  opened = [];
});

/** Opens the SDK backend on the fake client, as openSource does on the real SDK. */
const sdkOpen: Open = (mode, inputs, door) => {
  opened.push(mode);
  return Promise.resolve({
    source: new SdkSource({
      auth:
        mode === 'workload-identity'
          ? {
              kind: 'workload-identity',
              workloadId: inputs.workloadId ?? '',
              integrationKey: inputs.integrationKey ?? '',
              idToken: (audience) => door.idToken(audience),
            }
          : { kind: 'service-account', token: inputs.serviceAccountToken ?? '' },
      connect: fake.connector,
    }),
    warnings: [],
  });
};

/** A step set up for workload identity as 1Password's own action v5 documents it. */
function workloadStep(
  inputs: Record<string, string> = {},
  options: Omit<MemoryRunnerOptions, 'inputs'> = {},
): MemoryRunner {
  return new MemoryRunner({
    idToken: () => Promise.resolve(OIDC_TOKEN),
    ...options,
    inputs,
    env: {
      OP_WORKLOAD_ID: WORKLOAD_ID,
      OP_INTEGRATION_KEY: INTEGRATION_KEY,
      OP_ENVIRONMENT_ID: ENVIRONMENT_IDS.staging,
      RUNNER_TEMP: runnerTemp,
      ...options.env,
    },
  });
}

function serviceAccountStep(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
): MemoryRunner {
  return new MemoryRunner({
    inputs,
    env: { OP_SERVICE_ACCOUNT_TOKEN: SERVICE_ACCOUNT_TOKEN, RUNNER_TEMP: runnerTemp, ...env },
  });
}

const WRITES = new Set(['setOutput', 'exportVariable', 'saveState']);

function assertNothingExported(runner: MemoryRunner): void {
  assert.deepEqual(
    runner.events.filter((event) => WRITES.has(event.kind)),
    [],
    'something was written by a failed run',
  );
  assert.deepEqual(
    readdirSync(runnerTemp).filter((name) => name.startsWith('op-secrets-')),
    [],
    'a failed run left secret files',
  );
  assert.equal(runner.failed, true);
}

function codes(runner: MemoryRunner): string[] {
  return runner.errors.map((error) => error.title);
}

describe('workload identity', () => {
  it('loads every variable of the Environment, masked, with the OIDC token the SDK asked for', async () => {
    const runner = workloadStep({ 'export-env': 'true' });
    await run(runner, sdkOpen);

    assert.equal(runner.failed, false, JSON.stringify(runner.errors));
    assert.deepEqual(opened, ['workload-identity']);
    for (const [name, value] of Object.entries(STAGING_VARIABLES)) {
      assert.equal(runner.outputs[name], value, name);
      assert.equal(runner.exported[name], value, name);
      // API_URL is not masked in the 1Password app; it is masked here all the same.
      assert.ok(runner.secrets.includes(value), `${name} is masked`);
    }
    assert.equal(runner.outputs['managed-variables'], 'API_URL,DB_PASSWORD,SIGNING_KEY');
    assert.equal(runner.audiences.length, 1, 'the token was asked for once');
    assert.ok(runner.secrets.includes(OIDC_TOKEN), 'the OIDC token is masked');
    assert.equal(runner.events[0]?.value, INTEGRATION_KEY, 'the integration key is masked first');
    const firstWrite = runner.events.findIndex((event) => WRITES.has(event.kind));
    const lastMask = runner.events.findLastIndex((event) => event.kind === 'setSecret');
    assert.ok(lastMask < firstWrite, 'every value is registered before the first write');
    assert.deepEqual(
      runner.summaries[0]?.table.slice(1).map((row) => [row[0], row[1], row[3]]),
      Object.keys(STAGING_VARIABLES).map((name) => [
        name,
        `environment ${ENVIRONMENT_IDS.staging}`,
        'resolved',
      ]),
    );
    const said = JSON.stringify([runner.infos, runner.warnings, runner.debugs, runner.summaries]);
    for (const secret of [...Object.values(STAGING_VARIABLES), OIDC_TOKEN, INTEGRATION_KEY]) {
      assert.ok(!said.includes(secret), 'a value or a credential reached the log');
    }
  });

  it('the inputs work as well as the variables 1Password documents', async () => {
    const runner = workloadStep(
      {
        'workload-id': WORKLOAD_ID,
        'integration-key': INTEGRATION_KEY,
        environment: ENVIRONMENT_IDS.staging,
        'auth-mode': 'workload-identity',
      },
      {
        env: {
          OP_WORKLOAD_ID: '',
          OP_INTEGRATION_KEY: '',
          OP_ENVIRONMENT_ID: '',
        },
      },
    );
    await run(runner, sdkOpen);
    assert.equal(runner.failed, false, JSON.stringify(runner.errors));
    assert.equal(runner.outputs['DB_PASSWORD'], STAGING_VARIABLES['DB_PASSWORD']);
  });

  for (const [what, env] of [
    ['a service-account token', { OP_SERVICE_ACCOUNT_TOKEN: SERVICE_ACCOUNT_TOKEN }],
    ['a Connect host', { OP_CONNECT_HOST: 'http://127.0.0.1:9' }],
    ['a Connect token', { OP_CONNECT_TOKEN: CONNECT_TOKEN }],
  ] as const) {
    it(`beside ${what}: SECRETS_CONFIG_INVALID before anything is opened`, async () => {
      const runner = workloadStep({}, { env });
      await run(runner, sdkOpen);
      assertNothingExported(runner);
      assert.deepEqual(codes(runner), [Code.configInvalid]);
      assert.match(runner.errors[0]?.message ?? '', /cannot be combined with/);
      assert.deepEqual(opened, []);
      assert.deepEqual(runner.audiences, []);
    });
  }

  it('only some of its settings: SECRETS_CONFIG_INVALID naming the missing one', async () => {
    const runner = workloadStep({}, { env: { OP_INTEGRATION_KEY: '' } });
    await run(runner, sdkOpen);
    assertNothingExported(runner);
    assert.deepEqual(codes(runner), [Code.configInvalid]);
    assert.match(runner.errors[0]?.message ?? '', /set integration-key \(or OP_INTEGRATION_KEY\)/);
    assert.deepEqual(opened, []);
  });

  it('auth-mode workload-identity without its settings: SECRETS_PROVIDER_UNAVAILABLE naming them', async () => {
    const runner = workloadStep(
      { 'auth-mode': 'workload-identity' },
      { env: { OP_WORKLOAD_ID: '', OP_INTEGRATION_KEY: '' } },
    );
    await run(runner, sdkOpen);
    assertNothingExported(runner);
    assert.deepEqual(codes(runner), [Code.providerUnavailable]);
    assert.match(runner.errors[0]?.message ?? '', /workload-id .* and integration-key/);
  });

  it('another explicit auth-mode beside workload-identity settings: SECRETS_CONFIG_INVALID', async () => {
    const runner = workloadStep({ 'auth-mode': 'cli' });
    await run(runner, sdkOpen);
    assertNothingExported(runner);
    assert.deepEqual(codes(runner), [Code.configInvalid]);
    assert.match(runner.errors[0]?.message ?? '', /auth-mode cli does not use/);
  });

  it('op:// references in the secrets input and templates: SECRETS_CONFIG_INVALID naming them, before any request', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'pipeline-env-work-'));
    writeFileSync(join(workspace, 'npmrc.tpl'), 'token={{ op://Engineering/deploy/token }}\n');
    const runner = workloadStep(
      { secrets: 'DEPLOY_TOKEN: op://Engineering/deploy/token', templates: 'NPMRC: npmrc.tpl' },
      { env: { LEGACY: 'op://Engineering/legacy/credential' }, cwd: workspace },
    );
    await run(runner, sdkOpen);
    assertNothingExported(runner);
    assert.deepEqual(codes(runner), [Code.configInvalid]);
    assert.match(runner.errors[0]?.message ?? '', /DEPLOY_TOKEN, NPMRC are op:\/\/ references/);
    assert.deepEqual(opened, []);
  });

  it("op:// values of the step's environment (the job's env:) and OP_ENV_FILE are left alone, with one notice naming them", async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'pipeline-env-work-'));
    writeFileSync(join(workspace, '.env'), 'FROM_FILE=op://Engineering/deploy/token\nPLAIN=1\n');
    for (const dryRun of ['false', 'true']) {
      const runner = workloadStep(
        { 'dry-run': dryRun },
        {
          cwd: workspace,
          env: {
            LEGACY: 'op://Engineering/legacy/credential',
            // Malformed or refused as a secret: left alone all the same.
            BROKEN: 'op://Engineering//credential',
            GITHUB_SHA_REF: 'op://Engineering/deploy/token',
            OP_ENV_FILE: '.env',
          },
        },
      );
      await run(runner, sdkOpen);
      assert.equal(runner.failed, false, JSON.stringify(runner.errors));
      const notices = runner.infos.filter((line) => line.startsWith('workload identity'));
      assert.deepEqual(notices, [
        "workload identity reads 1Password Environments only: left alone the op:// references of the step's environment and OP_ENV_FILE: LEGACY, BROKEN, GITHUB_SHA_REF, FROM_FILE",
      ]);
      assert.deepEqual(runner.warnings, []);
      for (const name of ['LEGACY', 'BROKEN', 'GITHUB_SHA_REF', 'FROM_FILE']) {
        assert.equal(runner.outputs[name], undefined, `${name} is not loaded`);
      }
      assert.equal(
        runner.infos.at(-1),
        dryRun === 'true'
          ? 'dry run: resolved 3 secrets via workload-identity; nothing was exported'
          : 'resolved 3 secrets via workload-identity as outputs',
      );
    }
    assert.equal(
      fake.calls.filter((call) => !['connect', 'environments.getVariables'].includes(call.method))
        .length,
      0,
      'nothing but the Environment was asked for',
    );
    // The call record is not empty: the check above is not vacuous.
    assert.equal(fake.count('environments.getVariables'), 2);
  });

  it('an OP_ENV_FILE that cannot be read is left alone too, named in the notice', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'pipeline-env-work-'));
    const runner = workloadStep({}, { cwd: workspace, env: { OP_ENV_FILE: 'missing.env' } });
    await run(runner, sdkOpen);
    assert.equal(runner.failed, false, JSON.stringify(runner.errors));
    const notices = runner.infos.filter((line) => line.startsWith('workload identity'));
    assert.equal(notices.length, 1);
    assert.match(notices[0] ?? '', /OP_ENV_FILE "missing\.env" cannot be read/);
  });

  it('without an Environment: SECRETS_CONFIG_INVALID saying to set one', async () => {
    const runner = workloadStep({}, { env: { OP_ENVIRONMENT_ID: '' } });
    await run(runner, sdkOpen);
    // Nothing to load is only a warning elsewhere; here the settings ask for an Environment.
    assertNothingExported(runner);
    assert.deepEqual(codes(runner), [Code.configInvalid]);
    assert.match(runner.errors[0]?.message ?? '', /set environment \(or OP_ENVIRONMENT_ID\)/);
    assert.deepEqual(opened, []);
  });

  it('without permissions: id-token: write, the real backend says to add it, and nothing is loaded', async () => {
    const runner = workloadStep();
    await run(runner);
    assertNothingExported(runner);
    assert.deepEqual(codes(runner), [Code.providerUnavailable]);
    assert.match(runner.errors[0]?.message ?? '', /permissions: id-token: write/);
    assert.deepEqual(runner.audiences, []);
  });

  it('an OIDC token that cannot be fetched fails the step with its reason, without the token', async () => {
    const runner = workloadStep(
      {},
      {
        idToken: () =>
          Promise.reject(new Error('Failed to get ID Token. Error Code : 401 Error Message: nope')),
      },
    );
    await run(runner, sdkOpen);
    assertNothingExported(runner);
    assert.deepEqual(codes(runner), [Code.providerUnavailable]);
    assert.match(runner.errors[0]?.message ?? '', /OIDC token/);
  });

  it('an unknown Environment is SECRETS_REF_NOT_FOUND and nothing is exported', async () => {
    const runner = workloadStep({}, { env: { OP_ENVIRONMENT_ID: ENVIRONMENT_IDS.unknown } });
    await run(runner, sdkOpen);
    assertNothingExported(runner);
    assert.deepEqual(codes(runner), [Code.refNotFound]);
    assert.match(
      runner.errors[0]?.message ?? '',
      new RegExp(`environment ${ENVIRONMENT_IDS.unknown}`),
    );
    assert.equal(runner.summaries[0]?.heading, '1Password secrets: failed');
  });

  it('an empty Environment loads nothing and succeeds', async () => {
    const runner = workloadStep({}, { env: { OP_ENVIRONMENT_ID: ENVIRONMENT_IDS.empty } });
    await run(runner, sdkOpen);
    assert.equal(runner.failed, false, JSON.stringify(runner.errors));
    assert.equal(runner.outputs['managed-variables'], '');
    assert.ok(runner.outputs['resolved-at']);
  });
});

describe('Environments with a service account', () => {
  it('combine with secrets and step env refs in one atomic export', async () => {
    const runner = serviceAccountStep(
      {
        secrets: 'DEPLOY_TOKEN: op://Engineering/deploy/token',
        environment: ENVIRONMENT_IDS.staging,
        'export-env': 'true',
      },
      { LEGACY: 'op://Engineering/legacy/credential' },
    );
    await run(runner, sdkOpen);
    assert.equal(runner.failed, false, JSON.stringify(runner.errors));
    assert.deepEqual(opened, ['service-account']);
    assert.equal(runner.outputs['DEPLOY_TOKEN'], VALUES.deployToken);
    assert.equal(runner.outputs['LEGACY'], VALUES.legacyCredential);
    assert.equal(runner.outputs['API_URL'], STAGING_VARIABLES['API_URL']);
    assert.equal(
      runner.outputs['managed-variables'],
      'DEPLOY_TOKEN,LEGACY,API_URL,DB_PASSWORD,SIGNING_KEY',
    );
  });

  it('a variable that clashes with a secret of the step: SECRETS_CONFIG_INVALID naming both', async () => {
    const runner = serviceAccountStep({
      secrets: 'DEPLOY_TOKEN: op://Engineering/deploy/token',
      environment: ENVIRONMENT_IDS.clash,
    });
    await run(runner, sdkOpen);
    assertNothingExported(runner);
    assert.deepEqual(codes(runner), [Code.configInvalid]);
    assert.match(
      runner.errors[0]?.message ?? '',
      /DEPLOY_TOKEN clashes with the secret DEPLOY_TOKEN/,
    );
  });

  it('a variable whose name is refused: SECRETS_CONFIG_INVALID naming it, nothing exported', async () => {
    const runner = serviceAccountStep({ environment: ENVIRONMENT_IDS.reserved });
    await run(runner, sdkOpen);
    assertNothingExported(runner);
    assert.deepEqual(codes(runner), [Code.configInvalid]);
    assert.match(runner.errors[0]?.message ?? '', /GITHUB_SHA/);
  });

  it('a variable with an empty name: SECRETS_CONFIG_INVALID for it alone, not a provider failure', async () => {
    const runner = serviceAccountStep({ environment: ENVIRONMENT_IDS.blankName });
    await run(runner, sdkOpen);
    assertNothingExported(runner);
    assert.deepEqual(runner.errors, [
      {
        title: Code.configInvalid,
        message: `"" (environment ${ENVIRONMENT_IDS.blankName}): the Environment's variable is refused: "" is not a valid name (names must match ^[A-Za-z_][A-Za-z0-9_]*$)`,
      },
    ]);
    assert.equal(runner.infos.at(-1), '1 of 2 secrets failed; nothing was exported');
    assert.deepEqual(
      runner.summaries[0]?.table.slice(1).map((row) => [row[0], row[3]]),
      [
        ['""', Code.configInvalid],
        ['NAMED', 'resolved, not exported'],
      ],
    );
  });

  it('a failing reference and an unknown Environment are both reported', async () => {
    const runner = serviceAccountStep({
      secrets: 'MISSING: op://Engineering/nope/token',
      environment: ENVIRONMENT_IDS.unknown,
    });
    await run(runner, sdkOpen);
    assertNothingExported(runner);
    assert.deepEqual(codes(runner).sort(), [Code.refNotFound, Code.refNotFound]);
  });
});

describe('Environments and Connect', () => {
  let server: FakeConnect;
  before(async () => {
    server = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN });
  });
  after(() => server.close());

  it('Connect serves no Environments: SECRETS_CONFIG_INVALID before any request', async () => {
    server.reset();
    const runner = new MemoryRunner({
      inputs: { secrets: 'TOKEN: op://Engineering/deploy/token' },
      env: {
        OP_CONNECT_HOST: server.url,
        OP_CONNECT_TOKEN: CONNECT_TOKEN,
        OP_ENVIRONMENT_ID: ENVIRONMENT_IDS.staging,
        RUNNER_TEMP: runnerTemp,
      },
    });
    await run(runner);
    assertNothingExported(runner);
    assert.deepEqual(codes(runner), [Code.configInvalid]);
    assert.match(runner.errors[0]?.message ?? '', /Connect serves no 1Password Environments/);
    assert.equal(server.requests.length, 0);
  });
});

describe('the version input', () => {
  it('is accepted with a warning that this action installs no op', async () => {
    const runner = workloadStep({ version: '2.30.0' });
    await run(runner, sdkOpen);
    assert.equal(runner.failed, false, JSON.stringify(runner.errors));
    assert.match(
      runner.warnings.join('\n'),
      /version "2\.30\.0".*installs no op CLI.*install-cli-action/,
    );
  });

  it("latest (1Password's default) gets one log line and no warning", async () => {
    const runner = workloadStep({ version: 'latest' });
    await run(runner, sdkOpen);
    assert.equal(runner.failed, false, JSON.stringify(runner.errors));
    assert.deepEqual(runner.warnings, []);
    const lines = runner.infos.filter((line) => line.startsWith('version '));
    assert.equal(lines.length, 1, runner.infos.join('\n'));
    assert.match(lines[0] ?? '', /version "latest".*installs no op CLI.*install-cli-action/);
  });
});

describe('dry run', () => {
  it('resolves and masks everything, and exports nothing but the two timestamps', async () => {
    const runner = serviceAccountStep({
      secrets: [
        'DEPLOY_TOKEN: op://Engineering/deploy/token',
        'KEY: { ref: op://Platform/tls/private key, file: true }',
      ].join('\n'),
      environment: ENVIRONMENT_IDS.staging,
      'export-env': 'true',
      'dry-run': 'true',
    });
    await run(runner, sdkOpen);
    assert.equal(runner.failed, false, JSON.stringify(runner.errors));
    assert.deepEqual(Object.keys(runner.outputs).sort(), ['refresh-at', 'resolved-at']);
    assert.deepEqual(runner.exported, {});
    assert.deepEqual(runner.savedState, {});
    assert.deepEqual(readdirSync(runnerTemp), []);
    assert.ok(runner.secrets.includes(VALUES.deployToken));
    assert.ok(runner.secrets.includes(STAGING_VARIABLES['DB_PASSWORD'] ?? ''));
    const summary = runner.summaries[0];
    assert.equal(summary?.heading, '1Password secrets: dry run, nothing exported');
    assert.deepEqual(summary?.table[1], [
      'DEPLOY_TOKEN',
      'op://Engineering/deploy/token',
      'nothing (dry run: output, env)',
      'resolved',
    ]);
    assert.equal(summary?.table.length, 1 + 2 + 3);
  });

  it('a failure is reported exactly as without dry-run', async () => {
    const runner = serviceAccountStep({
      secrets: 'MISSING: op://Engineering/nope/token',
      'dry-run': 'true',
    });
    await run(runner, sdkOpen);
    assertNothingExported(runner);
    assert.deepEqual(codes(runner), [Code.refNotFound]);
    assert.match(runner.errors[0]?.message ?? '', /^MISSING \(op:\/\/Engineering\/nope\/token\): /);
  });

  it('leaves earlier variables alone, unset-previous or not', async () => {
    const runner = serviceAccountStep(
      { secrets: 'T: op://Engineering/deploy/token', 'dry-run': 'true', 'unset-previous': 'true' },
      { OP_MANAGED_VARIABLES: 'OLD' },
    );
    await run(runner, sdkOpen);
    assert.equal(runner.failed, false, JSON.stringify(runner.errors));
    assert.deepEqual(runner.exported, {});
  });
});
