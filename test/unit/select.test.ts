import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectUrl } from '../../src/backends/connect-host.ts';
import { AUTH_MODES, type AuthMode, type Mode, MODES, SETTINGS } from '../../src/backends/modes.ts';
import {
  asksForEnvironment,
  chooseMode,
  credentials,
  modeProblems,
  openSource,
  readsEnvironmentsOnly,
  settingsProblems,
} from '../../src/backends/select.ts';
import { extraCertificates } from '../../src/backends/trust.ts';
import { SecretsError } from '../../src/errors.ts';
import { MemoryRunner } from '../support/memory-runner.ts';
import { inputsWith } from '../support/inputs.ts';

const inputs = inputsWith;

function isCode(code: string, check?: (error: SecretsError) => void) {
  return (thrown: unknown): boolean => {
    assert.ok(thrown instanceof SecretsError, `expected a SecretsError, got ${String(thrown)}`);
    assert.equal(thrown.code, code);
    check?.(thrown);
    return true;
  };
}

describe('chooseMode: every auth-mode x credentials combination', () => {
  const modes: AuthMode[] = ['auto', 'service-account', 'connect', 'cli'];
  for (const authMode of modes) {
    for (const sa of [false, true]) {
      for (const host of [false, true]) {
        for (const token of [false, true]) {
          const given = inputs({
            authMode,
            ...(sa ? { serviceAccountToken: 'ops_token' } : {}),
            ...(host ? { connectHost: 'https://connect.example.com' } : {}),
            ...(token ? { connectToken: 'connect-token' } : {}),
          });
          const label = `${authMode}: sa=${sa} host=${host} token=${token}`;

          let expected: { mode: Mode; warns: boolean } | { missing: string[]; present: string[] };
          switch (authMode) {
            case 'auto':
              if (host && token) expected = { mode: 'connect', warns: sa };
              else if (sa) expected = { mode: 'service-account', warns: false };
              else
                expected = {
                  missing: ['OP_SERVICE_ACCOUNT_TOKEN', 'OP_CONNECT_HOST', 'OP_CONNECT_TOKEN'],
                  present: [],
                };
              break;
            case 'service-account':
              expected = sa
                ? { mode: 'service-account', warns: false }
                : { missing: ['OP_SERVICE_ACCOUNT_TOKEN'], present: [] };
              break;
            case 'connect':
              expected =
                host && token
                  ? { mode: 'connect', warns: false }
                  : {
                      missing: [
                        ...(host ? [] : ['connect-host', 'OP_CONNECT_HOST']),
                        ...(token ? [] : ['connect-token', 'OP_CONNECT_TOKEN']),
                      ],
                      present: [
                        ...(host ? ['OP_CONNECT_HOST'] : []),
                        ...(token ? ['OP_CONNECT_TOKEN'] : []),
                      ],
                    };
              break;
            case 'cli':
              expected = { mode: 'cli', warns: false };
              break;
          }

          it(label, () => {
            if ('mode' in expected) {
              const choice = chooseMode(given);
              assert.equal(choice.mode, expected.mode);
              assert.equal(choice.warnings.length > 0, expected.warns, 'warning');
              for (const warning of choice.warnings) assert.doesNotMatch(warning, /ops_token/);
            } else {
              const { missing, present } = expected;
              assert.throws(
                () => chooseMode(given),
                isCode('SECRETS_PROVIDER_UNAVAILABLE', (error) => {
                  assert.equal(error.secret, undefined, 'a provider failure, not per secret');
                  for (const name of missing) assert.ok(error.message.includes(name), name);
                  for (const name of present) {
                    assert.ok(!error.message.includes(name), `does not ask for ${name}`);
                  }
                }),
              );
            }
          });
        }
      }
    }
  }
});

describe('workload identity: every auth-mode x its settings x other credentials', () => {
  const others = {
    none: {},
    'a service-account token': { serviceAccountToken: 'ops_token' },
    'a Connect host': { connectHost: 'https://connect.example.com' },
    'a Connect token': { connectToken: 'connect-token' },
  } as const;
  for (const authMode of AUTH_MODES) {
    for (const workloadId of [undefined, 'workload-1']) {
      for (const integrationKey of [undefined, 'ops_key']) {
        for (const [other, credentials] of Object.entries(others)) {
          const given = inputs({ authMode, workloadId, integrationKey, ...credentials });
          const some = workloadId !== undefined || integrationKey !== undefined;
          const both = workloadId !== undefined && integrationKey !== undefined;
          const label = `${authMode}: workload-id=${workloadId !== undefined} integration-key=${integrationKey !== undefined} beside ${other}`;

          // The model: what the contract says of this combination.
          let problem: RegExp | undefined;
          if (some && other !== 'none') problem = /cannot be combined with/;
          else if (some && authMode !== 'auto' && authMode !== 'workload-identity') {
            problem = new RegExp(`auth-mode ${authMode} does not use`);
          } else if (some && !both && authMode === 'auto') problem = /workload identity needs/;

          it(label, () => {
            const problems = settingsProblems(given);
            if (problem !== undefined) {
              assert.deepEqual(
                problems.map((error) => error.code),
                ['SECRETS_CONFIG_INVALID'],
              );
              assert.match(problems[0]?.message ?? '', problem);
              assert.ok(!problems[0]?.message.includes('ops_'), 'no credential in the message');
              return;
            }
            assert.deepEqual(problems, []);
            // Known before the step's secrets are read: what chooseMode picks, or would.
            let chosen: Mode | undefined;
            try {
              chosen = chooseMode(given).mode;
            } catch {
              chosen = undefined;
            }
            assert.equal(
              readsEnvironmentsOnly(given),
              chosen === 'workload-identity' || authMode === 'workload-identity',
            );
            if (authMode === 'workload-identity' && !both) {
              assert.throws(
                () => chooseMode(given),
                isCode('SECRETS_PROVIDER_UNAVAILABLE', (error) => {
                  if (workloadId === undefined) assert.match(error.message, /OP_WORKLOAD_ID/);
                  if (integrationKey === undefined) {
                    assert.match(error.message, /OP_INTEGRATION_KEY/);
                  }
                }),
              );
            } else if (both) {
              assert.equal(chooseMode(given).mode, 'workload-identity');
            }
          });
        }
      }
    }
  }
});

describe('the table of modes: what each row gives every mode', () => {
  const modes = Object.keys(MODES) as Mode[];

  it('auth-mode takes auto and every mode, in the table order', () => {
    assert.deepEqual(AUTH_MODES, ['auto', ...modes]);
  });

  for (const mode of modes) {
    const needed = SETTINGS.filter((setting) => setting.mode === mode && setting.needed);
    const all = Object.fromEntries(needed.map((setting) => [setting.name, 'ops_value']));
    it(`auth-mode ${mode}: chosen with its needed settings, else names each of them`, () => {
      assert.equal(chooseMode(inputs({ authMode: mode, ...all })).mode, mode);
      if (needed.length === 0) return;
      assert.throws(
        () => chooseMode(inputs({ authMode: mode })),
        isCode('SECRETS_PROVIDER_UNAVAILABLE', (error) => {
          for (const { input, variable } of needed) {
            assert.ok(error.message.includes(`${input} (or ${variable ?? ''})`), input);
          }
        }),
      );
    });
  }

  it('credentials: every setting the table marks as one, named with its input and variable', () => {
    const given = Object.fromEntries(
      SETTINGS.map((setting) => [setting.name, `${setting.name}-value`]),
    );
    assert.deepEqual(credentials(inputs(given)), [
      {
        name: 'service-account-token (or OP_SERVICE_ACCOUNT_TOKEN)',
        value: 'serviceAccountToken-value',
      },
      { name: 'connect-token (or OP_CONNECT_TOKEN)', value: 'connectToken-value' },
      { name: 'integration-key (or OP_INTEGRATION_KEY)', value: 'integrationKey-value' },
    ]);
    assert.deepEqual(credentials(inputs()), []);
  });

  it('asksForEnvironment: any setting of workload identity, which reads Environments only', () => {
    assert.equal(asksForEnvironment(inputs()), false);
    assert.equal(
      asksForEnvironment(inputs({ serviceAccountToken: 'ops_x', connectHost: 'h' })),
      false,
    );
    assert.equal(asksForEnvironment(inputs({ workloadId: 'w' })), true);
    assert.equal(asksForEnvironment(inputs({ integrationKey: 'ops_k' })), true);
  });
});

describe('modeProblems: what a mode cannot load, before any request', () => {
  const cases: [Mode, readonly string[], string | undefined, RegExp | undefined][] = [
    ['workload-identity', [], 'env-1', undefined],
    ['workload-identity', ['A'], 'env-1', /A is an op:\/\/ reference/],
    ['workload-identity', ['A', 'B'], 'env-1', /A, B are op:\/\/ references/],
    ['workload-identity', ['A', 'B', 'C', 'D', 'E', 'F'], 'env-1', /A, B, C, D, E, \.\.\. are/],
    ['workload-identity', [], undefined, /set environment \(or OP_ENVIRONMENT_ID\)/],
    ['connect', ['A'], 'env-1', /Connect serves no 1Password Environments/],
    ['connect', ['A'], undefined, undefined],
    ['service-account', ['A'], 'env-1', undefined],
    ['cli', [], 'env-1', undefined],
  ];
  for (const [mode, refNames, environment, expected] of cases) {
    it(`${mode}, refs ${JSON.stringify(refNames)}, environment ${String(environment)}`, () => {
      const problems = modeProblems(mode, { refNames, environment });
      if (expected === undefined) {
        assert.deepEqual(problems, []);
      } else {
        assert.deepEqual(
          problems.map((error) => error.code),
          ['SECRETS_CONFIG_INVALID'],
        );
        assert.match(problems[0]?.message ?? '', expected);
      }
    });
  }
});

describe('connectUrl', () => {
  const accepted: [string, boolean][] = [
    ['http://localhost:8080', false],
    ['http://LOCALHOST:8080', false],
    ['http://127.0.0.1:8080', false],
    ['http://127.1.2.3', false],
    ['http://[::1]:8080', false],
    ['https://connect.example.com', false],
    ['https://connect.example.com:8443', false],
    ['https://10.0.0.5', false],
    ['http://connect.example.com', true],
    ['http://connect.example.com:8080', true],
    ['http://10.0.0.5:8080', true],
    ['http://192.168.1.10', true],
    ['http://localhost.evil.example', true],
    ['http://127.0.0.1.nip.io', true],
    ['http://[2001:db8::1]:8080', true],
  ];
  for (const [host, warns] of accepted) {
    it(`${host}: ${warns ? 'warning' : 'no warning'}`, () => {
      const { url, warnings } = connectUrl(host);
      assert.ok(url instanceof URL);
      assert.equal(warnings.length > 0, warns);
    });
  }

  const rejected: [string, string][] = [
    ['ftp://connect.example.com', 'bad scheme'],
    ['file:///etc/passwd', 'bad scheme'],
    ['ws://connect.example.com', 'bad scheme'],
    ['connect.example.com', 'no scheme'],
    ['localhost:8080', 'no scheme (parsed as a scheme)'],
    ['', 'empty'],
    ['not a url', 'garbage'],
    ['https://user:s3cretpass@connect.example.com', 'credentials in URL'],
    ['https://user@connect.example.com', 'user in URL'],
    ['https://connect.example.com/?token=abc', 'query'],
    ['https://connect.example.com?x=1', 'query'],
    ['https://connect.example.com/#frag', 'fragment'],
  ];
  for (const [host, why] of rejected) {
    it(`${why}: ${JSON.stringify(host)} is SECRETS_CONFIG_INVALID`, () => {
      assert.throws(
        () => connectUrl(host),
        isCode('SECRETS_CONFIG_INVALID', (error) => {
          assert.ok(!error.message.includes('s3cretpass'), 'no password in the message');
        }),
      );
    });
  }
});

describe('extraCertificates', () => {
  let dir: string;
  let caPem: string;
  let otherPem: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'select-test-'));
    const fixture = new URL('../fixtures/tls/ca.pem', import.meta.url);
    const other = new URL('../fixtures/tls/other-ca.pem', import.meta.url);
    if (existsSync(fixture) && existsSync(other)) {
      caPem = readFileSync(fixture, 'utf8');
      otherPem = readFileSync(other, 'utf8');
    } else {
      const make = (name: string) => {
        execFileSync('openssl', [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-keyout',
          join(dir, `${name}-key.pem`),
          '-out',
          join(dir, `${name}.pem`),
          '-days',
          '1',
          '-subj',
          `/CN=${name}`,
        ]);
        return readFileSync(join(dir, `${name}.pem`), 'utf8');
      };
      caPem = make('ca');
      otherPem = make('other');
    }
    writeFileSync(join(dir, 'ca.pem'), caPem);
    writeFileSync(join(dir, 'bundle.pem'), `${caPem}\n${otherPem}`);
    writeFileSync(join(dir, 'garbage.pem'), 'this is not a certificate\n');
    writeFileSync(
      join(dir, 'broken.pem'),
      '-----BEGIN CERTIFICATE-----\nAAAAnotbase64der\n-----END CERTIFICATE-----\n',
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('PEM text', () => {
    const certs = extraCertificates(caPem, { env: {}, cwd: dir });
    assert.equal(certs.length, 1);
    assert.match(certs[0] ?? '', /^-----BEGIN CERTIFICATE-----/);
  });

  it('PEM text with two certificates', () => {
    assert.equal(extraCertificates(`${caPem}${otherPem}`, { env: {}, cwd: dir }).length, 2);
  });

  it('an absolute file path', () => {
    assert.equal(extraCertificates(join(dir, 'ca.pem'), { env: {}, cwd: '/' }).length, 1);
  });

  it('a path relative to cwd', () => {
    assert.equal(extraCertificates('bundle.pem', { env: {}, cwd: dir }).length, 2);
    assert.equal(extraCertificates('./ca.pem', { env: {}, cwd: dir }).length, 1);
  });

  it("openSource reads a connect-ca path from the step's working directory, not the process's", async () => {
    const connect = inputs({
      authMode: 'connect',
      connectHost: 'https://127.0.0.1:9',
      connectToken: 'connect-token',
      connectCa: 'bundle.pem',
    });
    const door = new MemoryRunner({ cwd: dir });
    assert.notEqual(process.cwd(), dir);
    mkdirSync(join(dir, 'sub'));
    const { source } = await openSource('connect', connect, door);
    await source.close();
    await assert.rejects(
      openSource(
        'connect',
        connect,
        new MemoryRunner({ cwd: dir, env: { GITHUB_WORKSPACE: join(dir, 'sub') } }),
      ),
      isCode('SECRETS_CONFIG_INVALID', (error) =>
        assert.match(error.message, /^connect-ca "bundle\.pem" leads to .*outside the workspace/),
      ),
    );
  });

  const bad: [string, string][] = [
    ['no such file', 'missing.pem'],
    ['garbage text', 'not a certificate at all'],
    ['a file without a certificate', 'garbage.pem'],
    ['a certificate block that does not parse', 'broken.pem'],
    [
      'PEM text that does not parse',
      '-----BEGIN CERTIFICATE-----\nZm9vYmFy\n-----END CERTIFICATE-----',
    ],
    [
      'a private key instead of a certificate',
      '-----BEGIN PRIVATE KEY-----\nZm9vYmFy\n-----END PRIVATE KEY-----',
    ],
  ];
  for (const [why, value] of bad) {
    it(`${why} is SECRETS_CONFIG_INVALID`, () => {
      assert.throws(
        () => extraCertificates(value, { env: {}, cwd: dir }),
        isCode('SECRETS_CONFIG_INVALID'),
      );
    });
  }
});
