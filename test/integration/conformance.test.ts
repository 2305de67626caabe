/**
 * One behaviour: the same references against the same vault data give the same values and
 * the same codes through every backend (Connect, the SDK, op with a service account, op with
 * an account session).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sshpk from 'sshpk';
import { ConnectSource } from '../../src/backends/connect.ts';
import { CliSource } from '../../src/backends/op-cli.ts';
import { DEFAULT_POLICY, type RetryPolicy } from '../../src/backends/retry.ts';
import { SdkSource } from '../../src/backends/sdk.ts';
import type { SecretSource } from '../../src/backends/source.ts';
import { Code, SecretsError } from '../../src/errors.ts';
import { run } from '../../src/main.ts';
import { parseRef } from '../../src/refs.ts';
import { type Outcome, Resolver, toSecretsError } from '../../src/resolve.ts';
import { type FakeConnect, startFakeConnect } from '../fakes/connect-server.ts';
import {
  FAKE_OP_BIN_DIR,
  FAKE_OP_ENVIRONMENT_READ_VERSION,
  fakeOpEnv,
  fakeOpPath,
  readOpLog,
} from '../fakes/op/index.ts';
import { createFakeSdkClient } from '../fakes/sdk/fake-client.ts';
import { totp } from '../fakes/totp.ts';
import { MemoryRunner } from '../support/memory-runner.ts';
import {
  BINARY_FILE_BYTES,
  BOM_FILE_CONTENT,
  BUNDLE_PEM,
  CONNECT_TOKEN,
  ENVIRONMENT_IDS,
  IDS,
  INTEGRATION_KEY,
  MFA_OTP_URI,
  SERVICE_ACCOUNT_TOKEN,
  SSH_FINGERPRINT,
  STAGING_VARIABLES,
  VALUES,
  VAULTS,
  WHOLE_EXPORT,
  WORKLOAD_ID,
} from '../fixtures/vault-data.ts';

interface Backend {
  readonly name: string;
  open(): SecretSource;
}

/** Every fake computes OTP codes for this instant: one expected code, whenever the test runs. */
const OTP_AT = Date.UTC(2030, 0, 1, 12, 0, 10);

/**
 * Deadlines far wider than the defaults: each op is a Node.js process, and on a busy machine
 * `op --version` was seen to take over 15 s to start.
 */
const PATIENT: RetryPolicy = { ...DEFAULT_POLICY, attemptTimeoutMs: 120_000, budgetMs: 300_000 };

let connect: FakeConnect;
const opEnv = (extra: Record<string, string>) => ({
  PATH: fakeOpPath(),
  HOME: process.env['HOME'] ?? '',
  ...fakeOpEnv({ signedIn: ['my-team'], now: OTP_AT }),
  ...extra,
});

const findOp = () => Promise.resolve(join(FAKE_OP_BIN_DIR, 'op'));

const backends: Backend[] = [
  {
    name: 'connect',
    open: () =>
      new ConnectSource({ host: new URL(connect.url), token: CONNECT_TOKEN, policy: PATIENT }),
  },
  {
    name: 'sdk',
    open: () =>
      new SdkSource({
        auth: { kind: 'service-account', token: SERVICE_ACCOUNT_TOKEN },
        connect: createFakeSdkClient({ now: () => OTP_AT }).connector,
      }),
  },
  {
    name: 'op (service account)',
    open: () =>
      new CliSource({ token: SERVICE_ACCOUNT_TOKEN, env: opEnv({}), findOp, policy: PATIENT }),
  },
  {
    name: 'op (account session)',
    // Credentials in the environment must not reach op in cli mode.
    open: () =>
      new CliSource({
        account: 'my-team',
        env: opEnv({ OP_SERVICE_ACCOUNT_TOKEN: SERVICE_ACCOUNT_TOKEN, OP_CONNECT_HOST: 'x' }),
        findOp,
        policy: PATIENT,
      }),
  },
];

type Expected =
  | { readonly value: string | Uint8Array }
  | { readonly check: (value: string) => void }
  | { readonly fields: Record<string, string | RegExp> }
  | { readonly code: string; readonly message?: RegExp };

const CASES: Record<string, Expected> = {
  'op://Engineering/deploy/password': { value: VALUES.deployPassword },
  'op://Engineering/deploy/notesPlain': { value: VALUES.deployNotes },
  'op://engineering/DEPLOY/Token': { value: VALUES.deployToken },
  'op://Engineering/services/loom/deploy/token': { value: VALUES.loomDeployToken },
  'op://Platform/db/staging/password': { value: VALUES.dbStagingPassword },
  'op://Platform/queue/eu/password': { value: VALUES.queueEuPassword },
  'op://Platform/api/key': { value: VALUES.apiKeyUnsectioned },
  'op://Platform/api/secondary/key': { value: VALUES.apiKeySecondary },
  [`op://${IDS.vaults.engineering}/${IDS.items.deploy}/token`]: { value: VALUES.deployToken },
  [`op://Engineering/${IDS.items.idTarget}/token`]: { value: VALUES.idTargetToken },
  'op://Engineering/notanid00000000000000title/token': { value: VALUES.idShapedTitleToken },
  "op://Engineering/Clé d'accès (prod)/token": { value: VALUES.cleToken },
  'op://Équipe ☃/team-config/token': { value: VALUES.equipeToken },
  'op://Engineering/mfa/one-time password': { value: MFA_OTP_URI },
  'op://Engineering/mfa/one-time password?attribute=otp': {
    check: (code) => assert.equal(code, totp(MFA_OTP_URI, OTP_AT)),
  },
  'op://Engineering/ssh/private key?ssh-format=openssh': {
    check: (key) =>
      assert.equal(
        sshpk.parsePrivateKey(key, 'openssh').fingerprint('sha256').toString(),
        SSH_FINGERPRINT,
      ),
  },
  'op://Engineering/certs/bundle.pem': { value: new TextEncoder().encode(BUNDLE_PEM) },
  'op://Engineering/certs/binary.bin': { value: BINARY_FILE_BYTES },
  'op://Engineering/certs/bom.txt': { value: BOM_FILE_CONTENT },
  'op://Engineering/certs/config.json': { value: VALUES.certsConfigField },
  'op://Engineering/whole/*': { fields: WHOLE_EXPORT },
  'op://Engineering/mfa/*': {
    fields: { USERNAME: VALUES.mfaUsername, ONE_TIME_PASSWORD: totp(MFA_OTP_URI, OTP_AT) },
  },
  'op://Engineering/clash/*': { code: Code.configInvalid, message: /"api key" and "api-key"/ },
  'op://Nowhere/deploy/password': { code: Code.refNotFound, message: /vault "Nowhere"/ },
  'op://Engineering/nothing/password': { code: Code.refNotFound, message: /item "nothing"/ },
  'op://Engineering/deploy/nothing': { code: Code.refNotFound, message: /field "nothing"/ },
  'op://Platform/queue/eu/nothing': { code: Code.refNotFound, message: /field "nothing"/ },
  'op://Engineering/twin/token': { code: Code.refAmbiguous },
  'op://Shared/shared-item/token': { code: Code.refAmbiguous },
  'op://Platform/cache/prod/url': { code: Code.refAmbiguous },
  'op://Platform/dup-field/secret': { code: Code.refAmbiguous },
  'op://Engineering/twinfiles/dup.txt': { code: Code.refAmbiguous },
  'op://Engineering/deploy/password?attribute=otp': { code: Code.refInvalid },
  'op://Engineering/deploy/password?ssh-format=openssh': { code: Code.refInvalid },
  'op://Restricted/deploy/token': { code: Code.refNotFound },
};

function bytes(value: string | Uint8Array): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
}

function check(ref: string, outcome: Outcome | undefined, expected: Expected): void {
  assert.ok(outcome !== undefined, `${ref} was not resolved`);
  if ('code' in expected) {
    assert.ok(outcome instanceof SecretsError, `${ref} should fail with ${expected.code}`);
    assert.equal(outcome.code, expected.code, `${ref}: ${outcome.message}`);
    if (expected.message) assert.match(outcome.message, expected.message);
    return;
  }
  assert.ok(!(outcome instanceof SecretsError), `${ref} failed: ${(outcome as Error).message}`);
  if ('fields' in expected) {
    assert.equal(outcome.kind, 'item');
    const fields = outcome.kind === 'item' ? outcome.fields : [];
    const got = Object.fromEntries(fields.map((field) => [field.suffix, field.value]));
    assert.deepEqual(Object.keys(got).sort(), Object.keys(expected.fields).sort(), ref);
    for (const [suffix, want] of Object.entries(expected.fields)) {
      if (want instanceof RegExp) assert.match(got[suffix] ?? '', want, `${ref} ${suffix}`);
      else assert.equal(got[suffix], want, `${ref} ${suffix}`);
    }
    return;
  }
  assert.equal(outcome.kind, 'value');
  const value = outcome.kind === 'value' ? outcome.value : '';
  if ('check' in expected) expected.check(bytes(value).toString('utf8'));
  else assert.deepEqual(bytes(value), bytes(expected.value), ref);
}

before(async () => {
  connect = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN, now: () => OTP_AT });
});
after(() => connect.close());

for (const backend of backends) {
  describe(`conformance: ${backend.name}`, () => {
    let outcomes: Map<string, Outcome>;
    before(async () => {
      const source = backend.open();
      try {
        outcomes = await new Resolver(source).resolveAll(
          Object.keys(CASES).map((ref) => parseRef(ref)),
        );
      } finally {
        await source.close();
      }
    });
    for (const [ref, expected] of Object.entries(CASES)) {
      it(ref, () => check(ref, outcomes.get(parseRef(ref).text), expected));
    }
  });
}

describe('conformance: text attached to an item and loaded only with file: true is masked', () => {
  for (const backend of backends) {
    it(backend.name, async () => {
      const runnerTemp = mkdtempSync(join(tmpdir(), 'conformance-files-'));
      const runner = new MemoryRunner({
        inputs: {
          secrets: ['PEM:', '  ref: op://Engineering/certs/bundle.pem', '  file: true'].join('\n'),
          // Needs no credentials; the backend under test is opened below.
          'auth-mode': 'cli',
        },
        env: { RUNNER_TEMP: runnerTemp },
      });
      try {
        await run(runner, () => Promise.resolve({ source: backend.open(), warnings: [] }));
        assert.equal(runner.failed, false, JSON.stringify(runner.errors));
        assert.equal(readFileSync(runner.outputs['PEM'] ?? '', 'utf8'), BUNDLE_PEM);
        assert.ok(runner.secrets.includes(BUNDLE_PEM), 'the file text is not masked');
      } finally {
        rmSync(runnerTemp, { recursive: true, force: true });
      }
    });
  }
});

describe('conformance: a vault outside the token scope, named by ID', () => {
  it('is SECRETS_ACCESS_DENIED through Connect (403), SECRETS_REF_NOT_FOUND where the backend cannot tell', async () => {
    const ref = parseRef(`op://${IDS.vaults.restricted}/deploy/token`);
    const codes: string[] = [];
    for (const backend of backends) {
      const source = backend.open();
      try {
        const outcome = (await new Resolver(source).resolveAll([ref])).get(ref.text);
        assert.ok(outcome instanceof SecretsError, backend.name);
        codes.push(outcome.code);
      } finally {
        await source.close();
      }
    }
    assert.deepEqual(codes, [
      Code.accessDenied,
      Code.refNotFound,
      Code.refNotFound,
      Code.refNotFound,
    ]);
  });
});

describe('conformance: the native batch reads simple references as the resolver does', () => {
  const simple = Object.entries(CASES).filter(
    ([ref, expected]) =>
      !('code' in expected) &&
      !('value' in expected && expected.value instanceof Uint8Array) &&
      /^op:\/\/[\w .-]+\/[\w .-]+\/[\w .-]+(\?.*)?$/.test(ref),
  );

  it('covers enough references to mean something', () => {
    assert.ok(simple.length >= 8, `${simple.length} simple references`);
  });

  // The fake op's log directories: removed when the suite ends, so no run leaves /tmp/op-log-*.
  const logDirs: string[] = [];
  after(() => {
    for (const dir of logDirs) rmSync(dir, { recursive: true, force: true });
  });

  for (const backend of backends) {
    it(`${backend.name}: same values, one op inject`, async () => {
      const logDir = mkdtempSync(join(tmpdir(), 'op-log-'));
      logDirs.push(logDir);
      const log = join(logDir, 'log.jsonl');
      const source = backend.name.startsWith('op')
        ? new CliSource({
            token: SERVICE_ACCOUNT_TOKEN,
            env: { ...opEnv({}), ...fakeOpEnv({ logFile: log }) },
            findOp,
            policy: PATIENT,
          })
        : backend.open();
      let outcomes: Map<string, Outcome>;
      try {
        outcomes = await new Resolver(source).resolveAll(simple.map(([ref]) => parseRef(ref)));
      } finally {
        await source.close();
      }
      for (const [ref, expected] of simple) check(ref, outcomes.get(parseRef(ref).text), expected);
      if (backend.name.startsWith('op')) {
        const commands = readOpLog(log).map((entry) => entry.argv.join(' '));
        assert.equal(commands.length, 2, commands.join('; '));
        assert.ok(
          commands.some((line) => /--version/.test(line)),
          commands.join('; '),
        );
        assert.ok(
          commands.some((line) => /\binject\b/.test(line)),
          commands.join('; '),
        );
      }
    });
  }
});

describe('conformance: a template renders to the same bytes through every backend', () => {
  const template = [
    '\uFEFF# rendered\r',
    'token={{ op://Engineering/deploy/token }}',
    'notes={{op://Engineering/deploy/notesPlain}} and {{ op://Platform/db/staging/password }}',
    'pem:{{ op://Engineering/certs/bundle.pem }}{{ op://Engineering/deploy/token }}',
    'left alone: {{ not a ref }}',
  ].join('\n');
  const expected = [
    '\uFEFF# rendered\r',
    `token=${VALUES.deployToken}`,
    `notes=${VALUES.deployNotes} and ${VALUES.dbStagingPassword}`,
    `pem:${BUNDLE_PEM}${VALUES.deployToken}`,
    'left alone: {{ not a ref }}',
  ].join('\n');

  const files = {
    'app.tpl': template,
    'missing.tpl': 'a\nb={{ op://Engineering/nothing/password }}\n',
    'twin.tpl': '{{ op://Engineering/twin/token }}',
  };

  for (const backend of backends) {
    it(backend.name, async () => {
      const runnerTemp = mkdtempSync(join(tmpdir(), 'conformance-templates-'));
      for (const [name, text] of Object.entries(files)) writeFileSync(join(runnerTemp, name), text);
      const render = async (templates: string) => {
        const runner = new MemoryRunner({
          // Needs no credentials; the backend under test is opened below.
          inputs: { templates, 'auth-mode': 'cli' },
          cwd: runnerTemp,
          env: { RUNNER_TEMP: runnerTemp },
        });
        await run(runner, () => Promise.resolve({ source: backend.open(), warnings: [] }));
        return runner;
      };
      try {
        const rendered = await render('APP: app.tpl');
        assert.equal(rendered.failed, false, JSON.stringify(rendered.errors));
        assert.equal(readFileSync(rendered.outputs['APP'] ?? '', 'utf8'), expected);
        for (const value of [VALUES.deployToken, VALUES.deployNotes, BUNDLE_PEM]) {
          assert.ok(rendered.secrets.includes(value), 'a placed value is not masked');
        }
        const missing = await render('MISSING: missing.tpl');
        assert.deepEqual(
          missing.errors.map((error) => error.title),
          [Code.refNotFound],
        );
        assert.match(missing.errors[0]?.message ?? '', /^MISSING \(missing\.tpl:2\): /);
        const twin = await render('TWIN: twin.tpl');
        assert.deepEqual(
          twin.errors.map((error) => error.title),
          [Code.refAmbiguous],
        );
      } finally {
        rmSync(runnerTemp, { recursive: true, force: true });
      }
    });
  }
});

describe('conformance: an Environment reads the same through every backend that has them', () => {
  const environmentBackends: Backend[] = [
    {
      name: 'sdk (service account)',
      open: () =>
        new SdkSource({
          auth: { kind: 'service-account', token: SERVICE_ACCOUNT_TOKEN },
          connect: createFakeSdkClient().connector,
        }),
    },
    {
      name: 'sdk (workload identity)',
      open: () =>
        new SdkSource({
          auth: {
            kind: 'workload-identity',
            workloadId: WORKLOAD_ID,
            integrationKey: INTEGRATION_KEY,
            idToken: () => Promise.resolve('eyJhbGciOiJSUzI1NiJ9.e30.conformance-oidc-token'),
          },
          connect: createFakeSdkClient().connector,
        }),
    },
    ...(['op (service account)', 'op (account session)'] as const).map((name) => ({
      name,
      open: () =>
        new CliSource({
          ...(name === 'op (account session)'
            ? { account: 'my-team' }
            : { token: SERVICE_ACCOUNT_TOKEN }),
          env: {
            ...opEnv({}),
            ...fakeOpEnv({ signedIn: ['my-team'], version: FAKE_OP_ENVIRONMENT_READ_VERSION }),
          },
          findOp,
          policy: PATIENT,
        }),
    })),
  ];

  for (const backend of environmentBackends) {
    it(backend.name, async () => {
      const source = backend.open();
      try {
        const read = (id: string) => {
          assert.ok(source.readEnvironment !== undefined, 'reads Environments');
          return source.readEnvironment(id);
        };
        const variables = await read(ENVIRONMENT_IDS.staging);
        assert.deepEqual(
          variables.map((variable) => [variable.name, variable.value]),
          Object.entries(STAGING_VARIABLES),
        );
        assert.deepEqual(await read(ENVIRONMENT_IDS.empty), []);
        await assert.rejects(read(ENVIRONMENT_IDS.unknown), (thrown) => {
          assert.equal(toSecretsError(thrown).code, Code.refNotFound);
          return true;
        });
      } finally {
        await source.close();
      }
    });
  }

  it('Connect has none', () => {
    const connectSource = backends[0]?.open();
    assert.ok(connectSource !== undefined && !('readEnvironment' in connectSource));
  });
});
