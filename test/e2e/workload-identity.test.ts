/**
 * Workload identity and 1Password Environments through the built action, as the runner runs it:
 * the settings it refuses before any request (to the ID-token endpoint, Connect or op), the
 * missing `id-token: write` said before the SDK is loaded, malformed integration keys, the
 * integration key masked first, the `version` input's warning, and an Environment read through
 * `op environment read`. What the SDK does with a good key is not assumed here: see
 * test/e2e/workload-identity-token.test.ts (the real SDK to a loopback exchange, and the token
 * endpoint's faults) and test/integration/pipeline-environments.test.ts (the pipeline's side).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type FakeConnect, startFakeConnect } from '../fakes/connect-server.ts';
import { type FakeIdTokenServer, startIdTokenServer } from '../fakes/id-token-server.ts';
import {
  FAKE_OP_ENVIRONMENT_READ_VERSION,
  fakeOpEnv,
  fakeOpPath,
  readOpLog,
} from '../fakes/op/index.ts';
import {
  CONNECT_TOKEN,
  ENVIRONMENT_IDS,
  SERVICE_ACCOUNT_TOKEN,
  STAGING_VARIABLES,
  VALUES,
  VAULTS,
} from '../fixtures/vault-data.ts';
import {
  assertFailedWith,
  assertNoLeak,
  errorsOf,
  Job,
  type StepResult,
} from '../harness/index.ts';
import { credentialForms } from '../harness/leak.ts';

/** An integration key look-alike (`ops_` and a base64 JSON body, like a service-account token). */
const INTEGRATION_KEY = `ops_${Buffer.from(
  JSON.stringify({
    signInAddress: 'fixtures.1password.com',
    workloadIntegration: 'fixture-github-actions-integration',
    secretKey: 'A3-INTEGR-ATION0-00000-00000-00000-00000',
    keyMaterial: 'ZmFrZS1maXh0dXJlLWludGVncmF0aW9uLWtleS1tYXRlcmlhbA',
  }),
).toString('base64')}`;
const WORKLOAD_ID = 'fixtureworkload0000000000w';
const MODULES_PRELOAD = pathToFileURL(
  join(import.meta.dirname, '..', 'support', 'modules-loaded.ts'),
).href;

let connect: FakeConnect;
let idTokens: FakeIdTokenServer;
const scratch = mkdtempSync(join(tmpdir(), 'e2e-workload-'));
let runs = 0;

before(async () => {
  connect = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN });
  idTokens = await startIdTokenServer();
});
after(async () => {
  await connect.close();
  await idTokens.close();
  rmSync(scratch, { recursive: true, force: true });
});

const jobs: Job[] = [];
afterEach(async () => {
  connect.reset();
  idTokens.requests.length = 0;
  for (const job of jobs.splice(0)) await job.cleanup();
});

/** The step env of 1Password's own action v5 with workload identity. */
const WORKLOAD_ENV = {
  OP_WORKLOAD_ID: WORKLOAD_ID,
  OP_INTEGRATION_KEY: INTEGRATION_KEY,
  OP_ENVIRONMENT_ID: ENVIRONMENT_IDS.staging,
};

interface Run {
  result: StepResult;
  job: Job;
  /** Files of the modules the main step loaded. */
  modules: string[];
  /** `op` invocations during the step. */
  opCalls: number;
}

/**
 * Runs the main step with `env` (entries set to undefined are left out), `op` on PATH logging
 * every call, and the loaded modules traced. `idToken: false` is a job without
 * `permissions: id-token: write` (the runner then gives no ACTIONS_ID_TOKEN_REQUEST_* variables).
 */
async function run(
  env: Record<string, string | undefined>,
  inputs: Record<string, string> = {},
  { idToken = true }: { idToken?: boolean } = {},
): Promise<Run> {
  const job = new Job({
    secrets: [INTEGRATION_KEY, SERVICE_ACCOUNT_TOKEN, CONNECT_TOKEN],
    runnerEnv: idToken
      ? {
          ACTIONS_ID_TOKEN_REQUEST_URL: idTokens.url,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: idTokens.requestToken,
        }
      : {},
  });
  jobs.push(job);
  const id = ++runs;
  const opLog = join(scratch, `op-${id}.log`);
  const modulesFile = join(scratch, `modules-${id}.json`);
  const stepEnv: Record<string, string> = {
    PATH: fakeOpPath(),
    ...fakeOpEnv({ signedIn: ['my-team'], logFile: opLog }),
    NODE_OPTIONS: `--import ${MODULES_PRELOAD}`,
    MODULES_LOADED_FILE: modulesFile,
  };
  for (const [key, value] of Object.entries(env)) if (value !== undefined) stepEnv[key] = value;
  const result = await job.step({ inputs, env: stepEnv });
  const modules = (JSON.parse(readFileSync(modulesFile, 'utf8')) as string[]).map((url) =>
    fileURLToPath(url),
  );
  return { result, job, modules, opCalls: readOpLog(opLog).length };
}

function warnings(result: StepResult) {
  return result.annotations.filter((annotation) => annotation.level === 'warning');
}

/** Whether the SDK (its glue, which reads the 14 MB WebAssembly core, or its backend chunk) was loaded. */
function sdkLoaded(modules: readonly string[]): boolean {
  assert.ok(
    modules.some((file) => basename(file) === 'index.js'),
    `the trace did not see the entry: ${modules.map((file) => basename(file)).join(', ')}`,
  );
  return modules.some(
    (file) =>
      basename(file).startsWith('sdk-') || readFileSync(file, 'utf8').includes('core_bg.wasm'),
  );
}

/** Nothing was asked of the ID-token endpoint, Connect or op. */
function assertNoRequest({ opCalls }: Run): void {
  assert.deepEqual(
    idTokens.requests.map((request) => request.path),
    [],
    'a request reached the ID-token endpoint',
  );
  assert.deepEqual(
    connect.requests.map((request) => request.path),
    [],
    'a request reached Connect',
  );
  assert.equal(opCalls, 0, 'op was run');
}

/** `::add-mask::<key>` is on stdout before anything but other credentials' masks. */
function assertKeyMaskedFirst(result: StepResult, key: string): void {
  const stdout = result.lines.filter((line) => line.stream === 'stdout');
  const at = stdout.findIndex((line) => line.text === `::add-mask::${key}`);
  assert.ok(at >= 0, 'the integration key was not masked');
  assert.deepEqual(
    stdout.slice(0, at).filter((line) => line.command !== 'add-mask'),
    [],
    'something was printed before the integration key was masked',
  );
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((file) => statSync(file).isFile());
}

/** No credential (nor an encoded or cut form of one) in any channel, nor in any file of the job. */
function assertNoCredential({ result, job }: Run, credentials: readonly string[]): void {
  assertNoLeak(result, [...credentials, ...credentials.flatMap(credentialForms)]);
  for (const file of [...filesUnder(job.runnerTemp), ...filesUnder(job.workspace)]) {
    const text = readFileSync(file, 'latin1');
    for (const credential of credentials) {
      assert.ok(!text.includes(credential), `a credential is in ${basename(file)}`);
    }
  }
}

const CREDENTIALS = [INTEGRATION_KEY, SERVICE_ACCOUNT_TOKEN, CONNECT_TOKEN];

describe('workload identity: settings refused before any request', () => {
  const cases: {
    what: string;
    env: () => Record<string, string | undefined>;
    inputs?: Record<string, string>;
    message: RegExp;
  }[] = [
    {
      what: 'beside OP_SERVICE_ACCOUNT_TOKEN',
      env: () => ({ ...WORKLOAD_ENV, OP_SERVICE_ACCOUNT_TOKEN: SERVICE_ACCOUNT_TOKEN }),
      message: /cannot be combined with service-account-token \(or OP_SERVICE_ACCOUNT_TOKEN\)/,
    },
    {
      what: 'beside OP_CONNECT_HOST and OP_CONNECT_TOKEN',
      env: () => ({
        ...WORKLOAD_ENV,
        OP_CONNECT_HOST: connect.url,
        OP_CONNECT_TOKEN: CONNECT_TOKEN,
      }),
      message: /cannot be combined with connect-host \(or OP_CONNECT_HOST\), connect-token/,
    },
    {
      what: 'only OP_WORKLOAD_ID',
      env: () => ({ ...WORKLOAD_ENV, OP_INTEGRATION_KEY: undefined }),
      message: /set integration-key \(or OP_INTEGRATION_KEY\)/,
    },
    {
      what: 'with op:// references in secrets',
      env: () => WORKLOAD_ENV,
      inputs: { secrets: 'DEPLOY_TOKEN: op://Engineering/deploy/token' },
      message: /Environments only, and DEPLOY_TOKEN is an op:\/\/ reference/,
    },
    {
      what: 'without OP_ENVIRONMENT_ID',
      env: () => ({ ...WORKLOAD_ENV, OP_ENVIRONMENT_ID: undefined }),
      message: /set environment \(or OP_ENVIRONMENT_ID\)/,
    },
  ];
  for (const { what, env, inputs, message } of cases) {
    it(`${what}: SECRETS_CONFIG_INVALID, nothing asked, nothing shown`, async () => {
      const settings = env();
      const done = await run(settings, inputs);
      assertFailedWith(done.result, 'SECRETS_CONFIG_INVALID', message);
      assertNoRequest(done);
      assert.equal(sdkLoaded(done.modules), false, 'the SDK was loaded');
      if (settings['OP_INTEGRATION_KEY'] !== undefined) {
        assertKeyMaskedFirst(done.result, INTEGRATION_KEY);
      }
      assertNoCredential(done, CREDENTIALS);
    });
  }

  it('Connect with OP_ENVIRONMENT_ID: SECRETS_CONFIG_INVALID, no request reached Connect', async () => {
    const done = await run(
      {
        OP_CONNECT_HOST: connect.url,
        OP_CONNECT_TOKEN: CONNECT_TOKEN,
        OP_ENVIRONMENT_ID: ENVIRONMENT_IDS.staging,
      },
      { secrets: 'TOKEN: op://Engineering/deploy/token' },
    );
    assertFailedWith(
      done.result,
      'SECRETS_CONFIG_INVALID',
      /Connect serves no 1Password Environments/,
    );
    assertNoRequest(done);
    assert.equal(sdkLoaded(done.modules), false, 'the SDK was loaded');
    assertNoCredential(done, CREDENTIALS);
  });
});

describe('workload identity: the OIDC token and the integration key', () => {
  const WAYS = {
    'the variables 1Password documents': { env: WORKLOAD_ENV, inputs: {} },
    'the inputs': {
      env: {},
      inputs: {
        'workload-id': WORKLOAD_ID,
        'integration-key': INTEGRATION_KEY,
        environment: ENVIRONMENT_IDS.staging,
        'auth-mode': 'workload-identity',
      },
    },
  };
  for (const [way, { env, inputs }] of Object.entries(WAYS)) {
    it(`without id-token: write (through ${way}): says to add it, before the SDK is loaded`, async () => {
      const done = await run(env, inputs, { idToken: false });
      assertFailedWith(done.result, 'SECRETS_PROVIDER_UNAVAILABLE', /id-token: write/);
      assert.equal(sdkLoaded(done.modules), false, 'the SDK was loaded');
      assertNoRequest(done);
      assertKeyMaskedFirst(done.result, INTEGRATION_KEY);
      assertNoCredential(done, CREDENTIALS);
    });
  }

  it('a key without ops_: SECRETS_PROVIDER_UNAVAILABLE, no token asked for, the key shown nowhere', async () => {
    const key = 'not-a-key';
    const done = await run({ ...WORKLOAD_ENV, OP_INTEGRATION_KEY: key });
    assertFailedWith(done.result, 'SECRETS_PROVIDER_UNAVAILABLE', /integration key is malformed/);
    assertNoRequest(done);
    assertKeyMaskedFirst(done.result, key);
    assertNoCredential(done, [key]);
  });

  describe('ops_ and garbage as the key', () => {
    const key = 'ops_!!garbage-not-base64~~7f3e9c1b5a2d4e6f8a0b1c2d3e4f';
    let done: Run;
    before(async () => {
      done = await run({ ...WORKLOAD_ENV, OP_INTEGRATION_KEY: key });
    });

    it('fails, masks the key first, and shows neither the key nor an OIDC token', () => {
      assert.equal(done.result.exitCode, 1, done.result.stdout);
      assert.equal(errorsOf(done.result).length, 1);
      assert.deepEqual(done.result.outputs, {});
      assertKeyMaskedFirst(done.result, key);
      // Whatever the SDK asked of the endpoint, the tokens it got are credentials too.
      const oidc = idTokens.requests.map((request) =>
        idTokens.tokenFor(request.audience ?? undefined),
      );
      assertNoCredential(done, [key, ...oidc]);
    });

    it('is SECRETS_PROVIDER_UNAVAILABLE naming the integration key, like a malformed token', () => {
      assertFailedWith(done.result, 'SECRETS_PROVIDER_UNAVAILABLE', /integration key is malformed/);
    });
  });
});

describe('the version input', () => {
  it('warns that this action installs no op (see install-cli-action); the run is otherwise the same', async () => {
    const env = { OP_CONNECT_HOST: connect.url, OP_CONNECT_TOKEN: CONNECT_TOKEN };
    const secrets = 'TOKEN: op://Engineering/deploy/token';
    const plain = await run(env, { secrets });
    const versioned = await run(env, { secrets, version: '2.30.0' });
    for (const { result } of [plain, versioned]) {
      assert.equal(result.exitCode, 0, result.stdout);
      assert.equal(result.outputs['TOKEN'], VALUES.deployToken);
    }
    assert.deepEqual(warnings(plain.result), []);
    assert.equal(warnings(versioned.result).length, 1);
    assert.match(
      warnings(versioned.result)[0]?.message ?? '',
      /version "2\.30\.0".*install-cli-action/,
    );
    const names = (result: StepResult) => Object.keys(result.outputs).sort();
    assert.deepEqual(names(versioned.result), names(plain.result));
    assert.equal(versioned.result.outputs['managed-variables'], '');
  });
});

describe('Environments through op (cli mode)', () => {
  const inputs = {
    'auth-mode': 'cli',
    account: 'my-team',
    environment: ENVIRONMENT_IDS.staging,
    'export-env': 'true',
  };

  it('every variable becomes an output and an env var, masked, in managed-variables', async () => {
    const opLog = join(scratch, 'op-environment.log');
    const job = new Job();
    jobs.push(job);
    const result = await job.step({
      inputs,
      env: {
        PATH: fakeOpPath(),
        ...fakeOpEnv({
          signedIn: ['my-team'],
          version: FAKE_OP_ENVIRONMENT_READ_VERSION,
          logFile: opLog,
        }),
      },
    });
    assert.equal(result.exitCode, 0, result.stdout);
    const values = Object.values(STAGING_VARIABLES);
    for (const [name, value] of Object.entries(STAGING_VARIABLES)) {
      assert.equal(result.outputs[name], value, name);
      assert.equal(result.exportedEnv[name], value, name);
      assert.ok(result.masks.includes(value), `${name} is not masked`);
    }
    assert.equal(result.outputs['managed-variables'], 'API_URL,DB_PASSWORD,SIGNING_KEY');
    assert.equal(result.exportedEnv['OP_MANAGED_VARIABLES'], 'API_URL,DB_PASSWORD,SIGNING_KEY');
    assert.match(result.summary, new RegExp(`environment ${ENVIRONMENT_IDS.staging}`));
    const reads = readOpLog(opLog).filter(({ argv }) => argv.includes('environment'));
    assert.equal(reads.length, 1, 'op environment read was not run once');
    assert.ok(reads[0]?.argv.includes(ENVIRONMENT_IDS.staging));
    assertNoLeak(result, values);
  });

  it('with an op that has no op environment read: SECRETS_PROVIDER_UNAVAILABLE naming the version needed', async () => {
    const job = new Job();
    jobs.push(job);
    const result = await job.step({
      inputs,
      env: { PATH: fakeOpPath(), ...fakeOpEnv({ signedIn: ['my-team'] }) },
    });
    assertFailedWith(result, 'SECRETS_PROVIDER_UNAVAILABLE', /2\.33\.0-beta\.02/);
    assertNoLeak(result, Object.values(STAGING_VARIABLES));
  });
});
