/**
 * The configure sub-action's rules, in-process: which settings it reads, what it refuses, and that
 * every credential is masked before anything else. Through the built file: test/e2e/configure.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { SETTINGS as MODE_SETTINGS } from '../../src/backends/modes.ts';
import { configure, NOTHING_SET, plan, readSettings, SETTINGS } from '../../src/configure.ts';
import { MAX_CREDENTIAL_BYTES } from '../../src/redact.ts';
import { isReserved } from '../../src/names.ts';
import { MemoryRunner } from '../support/memory-runner.ts';

const root = new URL('../../', import.meta.url);
const actionYml = (path: string) =>
  parse(readFileSync(new URL(path, root), 'utf8')) as {
    inputs: Record<string, { description: string }>;
    runs: Record<string, string>;
  };

const TOKEN = 'ops_configurefixturetoken0000000000000001';
const KEY = 'ops_configurefixturekey00000000000000000002';

function runConfigure(inputs: Record<string, string>, env: Record<string, string> = {}) {
  const runner = new MemoryRunner({ inputs, env });
  configure(runner);
  return runner;
}

describe('configure/action.yml', () => {
  const configureYml = actionYml('configure/action.yml');
  const mainYml = actionYml('action.yml');

  it('declares the inputs of SETTINGS, in order, each named as the main action names it', () => {
    assert.deepEqual(
      Object.keys(configureYml.inputs),
      SETTINGS.map((setting) => setting.input),
    );
    for (const { input, variable } of SETTINGS) {
      assert.ok(input in mainYml.inputs, `${input} is an input of the main action`);
      assert.ok(mainYml.inputs[input]?.description.includes(`\`${variable}\``), variable);
      assert.ok(configureYml.inputs[input]?.description.includes(`\`${variable}\``), variable);
    }
  });

  it('runs the shared build on node24, with no post step', () => {
    assert.deepEqual(configureYml.runs, { using: 'node24', main: '../dist/configure.js' });
  });

  it('configures every setting of the table of modes that falls back to a variable, a credential where the table says so', () => {
    for (const { input, variable, credential } of MODE_SETTINGS) {
      if (variable === undefined) continue;
      const found = SETTINGS.find((setting) => setting.variable === variable);
      assert.ok(found, `${variable}: add it to SETTINGS and configure/action.yml`);
      assert.equal(found.input, input, variable);
      assert.equal(found.credential, credential === true, variable);
    }
  });

  it('exports only names no secret may take, so a load step never overwrites them', () => {
    for (const { variable } of SETTINGS) assert.ok(isReserved(variable), variable);
  });
});

describe('readSettings', () => {
  it('takes each input, else its variable (trimmed); empty counts as not set', () => {
    const settings = readSettings(
      (name) => ({ 'connect-host': 'https://connect.example', 'connect-token': '' })[name] ?? '',
      {
        OP_CONNECT_HOST: 'https://ignored.example',
        OP_CONNECT_TOKEN: ' token \n',
        OP_WORKLOAD_ID: '',
        OP_ENVIRONMENT_ID: '   ',
      },
    );
    assert.deepEqual(
      settings.map(({ variable, value }) => [variable, value]),
      [
        ['OP_CONNECT_HOST', 'https://connect.example'],
        ['OP_CONNECT_TOKEN', 'token'],
      ],
    );
  });
});

describe('plan', () => {
  const setting = (variable: (typeof SETTINGS)[number]['variable'], value: string) => {
    const found = SETTINGS.find((one) => one.variable === variable);
    assert.ok(found);
    return { ...found, value };
  };

  const refused: [string, string, RegExp][] = [
    ['no scheme', 'connect.example.com', /connect-host is not a URL/],
    ['another scheme', 'ftp://connect.example.com', /must be http:\/\/ or https:\/\//],
    ['credentials in the URL', 'https://user:pw@connect.example.com', /must not carry credentials/],
    ['a query', 'https://connect.example.com/?token=x', /must not carry credentials, a query/],
    ['spaces', 'https://connect example.com', /connect-host is not a URL/],
  ];
  for (const [label, host, message] of refused) {
    it(`refuses a host with ${label}: SECRETS_CONFIG_INVALID`, () => {
      const { errors } = plan([setting('OP_CONNECT_HOST', host)]);
      assert.deepEqual(
        errors.map((error) => error.code),
        ['SECRETS_CONFIG_INVALID'],
      );
      assert.match(errors[0]?.message ?? '', message);
      assert.match(errors[0]?.message ?? '', /check connect-host or OP_CONNECT_HOST$/);
    });
  }

  it('warns of plain http to a host that is not loopback, as the load step does', () => {
    assert.equal(
      plan([setting('OP_CONNECT_HOST', 'http://connect.example.com')]).warnings.length,
      1,
    );
    assert.deepEqual(plan([setting('OP_CONNECT_HOST', 'http://127.0.0.1:8080')]).warnings, []);
  });

  it('refuses workload identity beside a service-account token, or half of it', () => {
    const both = plan([
      setting('OP_SERVICE_ACCOUNT_TOKEN', TOKEN),
      setting('OP_WORKLOAD_ID', 'w'),
      setting('OP_INTEGRATION_KEY', KEY),
    ]);
    assert.match(both.errors[0]?.message ?? '', /cannot be combined with service-account-token/);
    const half = plan([setting('OP_WORKLOAD_ID', 'w')]);
    assert.match(half.errors[0]?.message ?? '', /set integration-key \(or OP_INTEGRATION_KEY\)/);
  });

  it('refuses a setting over 64 KiB before it is masked, and only that', () => {
    const huge = `ops_${'a'.repeat(MAX_CREDENTIAL_BYTES)}`;
    const result = plan([
      setting('OP_WORKLOAD_ID', 'w'),
      setting('OP_INTEGRATION_KEY', huge),
      setting('OP_ENVIRONMENT_ID', 'x'.repeat(70_000)),
    ]);
    assert.deepEqual(result.credentials, []);
    assert.deepEqual(
      result.settings.map((one) => one.variable),
      ['OP_WORKLOAD_ID'],
    );
    assert.deepEqual(
      result.errors.map((error) => error.message),
      [
        'integration-key (or OP_INTEGRATION_KEY) is over 64 KiB, longer than any credential: check that it holds the credential alone',
        'environment (or OP_ENVIRONMENT_ID) is over 64 KiB, longer than any setting: check that it holds the setting alone',
      ],
    );
  });
});

describe('configure', () => {
  it('masks every credential before anything else, then exports every setting', () => {
    const runner = runConfigure(
      {
        'connect-host': 'http://connect.example.com',
        'connect-token': 'connect-fixture-token',
        'service-account-token': TOKEN,
      },
      { OP_ENVIRONMENT_ID: 'env0001' },
    );
    assert.deepEqual(
      runner.events.map((event) => [event.kind, event.name ?? event.value]),
      [
        ['setSecret', 'connect-fixture-token'],
        ['setSecret', TOKEN],
        ['warning', runner.warnings[0]],
        ['exportVariable', 'OP_CONNECT_HOST'],
        ['exportVariable', 'OP_CONNECT_TOKEN'],
        ['exportVariable', 'OP_SERVICE_ACCOUNT_TOKEN'],
        ['exportVariable', 'OP_ENVIRONMENT_ID'],
        [
          'info',
          "configured for the job's later steps: OP_CONNECT_HOST, OP_CONNECT_TOKEN, OP_SERVICE_ACCOUNT_TOKEN, OP_ENVIRONMENT_ID",
        ],
      ],
    );
    assert.equal(runner.exported['OP_SERVICE_ACCOUNT_TOKEN'], TOKEN);
    assert.equal(runner.failed, false);
  });

  it('masks, then reports every problem and exports nothing', () => {
    const runner = runConfigure({
      'connect-host': 'not a url',
      'connect-token': 'connect-fixture-token',
      'workload-id': 'w',
    });
    assert.deepEqual(runner.secrets, ['connect-fixture-token']);
    assert.equal(runner.events[0]?.kind, 'setSecret');
    assert.deepEqual(
      runner.errors.map((error) => error.title),
      ['SECRETS_CONFIG_INVALID', 'SECRETS_CONFIG_INVALID'],
    );
    assert.deepEqual(runner.exported, {});
    assert.equal(runner.failed, true);
  });

  it('exports nothing when GITHUB_ENV cannot be written, and says which', () => {
    const runner = new MemoryRunner({
      inputs: { 'integration-key': KEY, 'workload-id': 'w' },
      unwritable: { GITHUB_ENV: 'not a regular file' },
    });
    configure(runner);
    assert.deepEqual(runner.secrets, [KEY]);
    assert.deepEqual(runner.exported, {});
    assert.deepEqual(runner.errors, [
      {
        title: 'SECRETS_CONFIG_INVALID',
        message: 'nothing was configured: GITHUB_ENV: not a regular file',
      },
    ]);
    assert.equal(runner.failed, true);
  });

  it('warns when nothing is set, and does not fail', () => {
    const runner = runConfigure({}, { OP_CONNECT_TOKEN: '' });
    assert.deepEqual(runner.warnings, [NOTHING_SET]);
    assert.deepEqual(runner.events.length, 1);
    assert.equal(runner.failed, false);
  });
});

describe('docs/configure.md and examples/configure.yml say what the sub-action does', () => {
  const section = readFileSync(new URL('docs/configure.md', root), 'utf8');
  const declared = Object.keys(actionYml('configure/action.yml').inputs);

  /** The `with:` of every step that uses the configure sub-action in `workflow` (YAML text). */
  function configureInputs(workflow: string): Record<string, unknown>[] {
    const found: Record<string, unknown>[] = [];
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(visit);
      else if (node !== null && typeof node === 'object') {
        const step = node as { uses?: unknown; with?: Record<string, unknown> };
        if (typeof step.uses === 'string' && step.uses.startsWith('OWNER/REPO/configure@')) {
          found.push(step.with ?? {});
        }
        Object.values(node).forEach(visit);
      }
    };
    visit(parse(workflow));
    return found;
  }

  it('has a table of each input, its variable, the name exported and whether it is masked', () => {
    const start = section.indexOf('<!-- configure:start -->');
    const end = section.indexOf('<!-- configure:end -->');
    assert.ok(start !== -1 && end > start, 'docs/configure.md has no configure table');
    const rows = section
      .slice(start, end)
      .split('\n')
      .filter((line) => line.startsWith('|'))
      .slice(2)
      .map((line) =>
        line
          .slice(1, -1)
          .split('|')
          .map((cell) => cell.trim().replace(/^`|`$/g, '')),
      );
    assert.deepEqual(
      rows,
      SETTINGS.map(({ input, variable, credential }) => [
        input,
        variable,
        variable,
        credential ? 'yes' : 'no',
      ]),
    );
  });

  it('uses only the inputs configure/action.yml declares, in the page and the example', () => {
    const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
    const example = readFileSync(new URL('examples/configure.yml', root), 'utf8');
    const steps = [...blocks, example].flatMap(configureInputs);
    assert.equal(steps.length, 2, 'one configure step in the page and one in the example');
    for (const given of steps) {
      for (const name of Object.keys(given)) assert.ok(declared.includes(name), name);
    }
  });

  it('says nothing set is a warning; the migration guide names the sub-action and its inputs', () => {
    assert.match(section, /Nothing set .* is a warning/);
    const migration = readFileSync(new URL('docs/migration.md', root), 'utf8');
    assert.ok(
      migration.includes('**`load-secrets-action/configure` is `OWNER/REPO/configure@v1`**'),
    );
    for (const { input } of SETTINGS) assert.ok(migration.includes(`\`${input}\``), input);
  });
});
