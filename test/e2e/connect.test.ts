/** The built action (dist/) run as the GitHub runner runs it, against the fake Connect server. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { type FakeConnect, startFakeConnect, TLS } from '../fakes/connect-server.ts';
import {
  CONNECT_TOKEN,
  TRICKY_VALUES,
  VALUES,
  VAULTS,
  WHOLE_EXPORT,
} from '../fixtures/vault-data.ts';
import { assertNoLeak, Job, type StepResult } from '../harness/index.ts';

const POSIX = process.platform !== 'win32';

let server: FakeConnect;
const jobs: Job[] = [];

before(async () => {
  server = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN });
});
after(() => server.close());
afterEach(async () => {
  for (const job of jobs.splice(0)) await job.cleanup();
});

function newJob(): Job {
  const job = new Job({ env: { OP_CONNECT_HOST: server.url, OP_CONNECT_TOKEN: CONNECT_TOKEN } });
  jobs.push(job);
  return job;
}

function secrets(entries: Record<string, string>): string {
  return Object.entries(entries)
    .map(([name, ref]) => `${name}: ${JSON.stringify(ref)}`)
    .join('\n');
}

function errors(result: StepResult) {
  return result.annotations.filter((annotation) => annotation.level === 'error');
}

describe('resolving through Connect', () => {
  it('exports outputs byte for byte, masks each value first, and leaks nothing', async () => {
    const job = newJob();
    const tricky = Object.fromEntries(
      Object.keys(TRICKY_VALUES).map((label) => [
        `TRICKY_${label.toUpperCase()}`,
        `op://Engineering/tricky/${label}`,
      ]),
    );
    const result = await job.step({
      inputs: {
        secrets: secrets({
          DEPLOY_TOKEN: 'op://Engineering/deploy/token',
          DB_PASSWORD: 'op://Platform/db/staging/password',
          NOTES: 'op://Engineering/deploy/notesPlain',
          ...tricky,
        }),
      },
    });
    assert.equal(result.exitCode, 0, result.stdout);
    assert.equal(result.outputs['DEPLOY_TOKEN'], VALUES.deployToken);
    assert.equal(result.outputs['DB_PASSWORD'], VALUES.dbStagingPassword);
    assert.equal(result.outputs['NOTES'], VALUES.deployNotes);
    for (const [label, value] of Object.entries(TRICKY_VALUES)) {
      assert.equal(
        result.outputs[`TRICKY_${label.toUpperCase()}`],
        value,
        `tricky value ${label} changed`,
      );
    }
    assert.deepEqual(Object.keys(result.exportedEnv), [], 'export-env is off by default');
    assert.equal(result.outputs['managed-variables'], '');
    const resolvedAt = Date.parse(result.outputs['resolved-at'] ?? '');
    const refreshAt = Date.parse(result.outputs['refresh-at'] ?? '');
    assert.ok(Math.abs(resolvedAt - Date.now()) < 60_000);
    assert.equal(refreshAt - resolvedAt, 3_600_000);
    assert.match(result.outputs['resolved-at'] ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const values = [
      VALUES.deployToken,
      VALUES.dbStagingPassword,
      VALUES.deployNotes,
      ...Object.values(TRICKY_VALUES),
    ];
    for (const value of values)
      assert.ok(result.masks.includes(value), 'a value was not registered as a mask');
    // After resolution, the masks come first: nothing is printed before every value is masked.
    const lines = result.stdout.split('\n');
    const resolved = lines.indexOf('::endgroup::');
    const firstOther = lines.findIndex(
      (line, index) => index > resolved && !line.startsWith('::add-mask::'),
    );
    const lastMask = lines.findLastIndex((line) => line.startsWith('::add-mask::'));
    assert.ok(resolved > 0 && lastMask < firstOther, 'something was printed before the masks');
    assertNoLeak(result, values);
    assert.match(
      result.summary,
      /^<h3>1Password secrets<\/h3>\n<table><tr><th>Name<\/th><th>Reference<\/th><th>Exported as<\/th><th>Result<\/th><\/tr>/,
    );
    assert.match(
      result.summary,
      /<tr><td>DEPLOY_TOKEN<\/td><td>op:\/\/Engineering\/deploy\/token<\/td><td>output<\/td><td>resolved<\/td><\/tr>/,
    );
  });

  it('fails atomically: every failure reported with its code, nothing exported', async () => {
    const job = newJob();
    const result = await job.step({
      inputs: {
        secrets: secrets({
          GOOD: 'op://Engineering/deploy/token',
          MISSING: 'op://Engineering/nothing/password',
          TWIN: 'op://Engineering/twin/token',
          DENIED: 'op://restricted000000000000000v/deploy/token',
          ALSO_GOOD: 'op://Platform/api/key',
        }),
        'export-env': 'true',
      },
    });
    assert.equal(result.exitCode, 1);
    const byTitle = errors(result).map((annotation) => [
      annotation.title,
      annotation.message.split(':')[0],
    ]);
    assert.deepEqual(byTitle.sort(), [
      ['SECRETS_ACCESS_DENIED', 'DENIED (op'],
      ['SECRETS_REF_AMBIGUOUS', 'TWIN (op'],
      ['SECRETS_REF_NOT_FOUND', 'MISSING (op'],
    ]);
    assert.deepEqual(result.outputs, {});
    assert.deepEqual(result.exportedEnv, {});
    assert.deepEqual(
      result.masks,
      [CONNECT_TOKEN],
      'values of the good secrets were handled although the run failed',
    );
    assert.match(result.summary, /^<h3>1Password secrets: failed<\/h3>\n/);
    assert.match(
      result.summary,
      /<tr><td>MISSING<\/td><td>op:\/\/Engineering\/nothing\/password<\/td><td>nothing<\/td><td>SECRETS_REF_NOT_FOUND<\/td><\/tr>/,
    );
    assert.match(result.summary, /<tr><td>GOOD<\/td>.*?<td>resolved, not exported<\/td><\/tr>/);
    assertNoLeak(result, [VALUES.deployToken, VALUES.apiKeyUnsectioned, CONNECT_TOKEN]);
    assert.match(result.summary, /SECRETS_REF_NOT_FOUND/);
  });

  it('checks every reference before any request', async () => {
    const job = newJob();
    server.reset();
    const result = await job.step({
      inputs: {
        secrets: secrets({
          A: 'op://Engineering/deploy/token',
          B: 'op://Engineering//token',
          C: 'https://x/y/z',
        }),
      },
    });
    assert.equal(result.exitCode, 1);
    assert.deepEqual(
      errors(result).map((annotation) => annotation.title),
      ['SECRETS_REF_INVALID', 'SECRETS_REF_INVALID'],
    );
    assert.equal(server.requests.length, 0);
    assert.ok(
      !result.stdout.includes('https://x/y/z'),
      'a value that is not a reference was echoed',
    );
  });

  it('reports an unusable provider once, not per secret, and never shows the token', async () => {
    const job = newJob();
    const wrong = `${CONNECT_TOKEN.slice(0, -6)}ZZZZZZ`;
    const result = await job.step({
      inputs: {
        secrets: secrets({ A: 'op://Engineering/deploy/token', B: 'op://Platform/api/key' }),
      },
      env: { OP_CONNECT_TOKEN: wrong },
    });
    assert.equal(result.exitCode, 1);
    assert.equal(errors(result).length, 1);
    assert.equal(errors(result)[0]?.title, 'SECRETS_PROVIDER_UNAVAILABLE');
    assert.ok(result.masks.includes(wrong), 'the token was not masked');
    assert.match(result.summary, /SECRETS_PROVIDER_UNAVAILABLE/);
    assert.doesNotMatch(result.summary, />resolved</);
    assertNoLeak(result, [wrong]);
  });

  it('fails closed without credentials, and succeeds with a warning when there is nothing to load', async () => {
    const job = new Job();
    jobs.push(job);
    const none = await job.step({
      inputs: { secrets: secrets({ A: 'op://Engineering/deploy/token' }) },
    });
    assert.equal(none.exitCode, 1);
    assert.equal(errors(none)[0]?.title, 'SECRETS_PROVIDER_UNAVAILABLE');
    assert.match(errors(none)[0]?.message ?? '', /OP_CONNECT_HOST/);
    const empty = await job.step({});
    assert.equal(empty.exitCode, 0);
    assert.ok(empty.annotations.some((annotation) => annotation.level === 'warning'));
  });

  it('rejects bad configuration with SECRETS_CONFIG_INVALID', async () => {
    const job = newJob();
    const cases: Record<string, string>[] = [
      { 'auth-mode': 'magic' },
      { 'export-env': 'yes' },
      { secrets: 'GITHUB_TOKEN: op://Engineering/deploy/token' },
      { secrets: 'A: op://Engineering/deploy/token\na: op://Engineering/deploy/password' },
      { secrets: '- op://Engineering/deploy/token' },
      { 'refresh-after-seconds': '1h' },
    ];
    for (const inputs of cases) {
      const result = await job.step({ inputs });
      assert.equal(result.exitCode, 1, JSON.stringify(inputs));
      assert.equal(errors(result)[0]?.title, 'SECRETS_CONFIG_INVALID', JSON.stringify(inputs));
      assert.deepEqual(result.outputs, {});
    }
  });
});

describe('environment, files and cleanup', () => {
  it('finds references in step env and OP_ENV_FILE, and exports them with export-env', async () => {
    const job = newJob();
    writeFileSync(
      join(job.workspace, '.env.tpl'),
      '# template\nFROM_FILE=op://Platform/api/primary/key\nPLAIN=not-a-ref\nQUOTED="op://Engineering/deploy/username"\n',
    );
    const result = await job.step({
      inputs: { 'export-env': 'true' },
      env: { LEGACY_KEY: 'op://Engineering/legacy/credential', OP_ENV_FILE: './.env.tpl' },
    });
    assert.equal(result.exitCode, 0, result.stdout);
    const expected = {
      LEGACY_KEY: VALUES.legacyCredential,
      FROM_FILE: VALUES.apiKeyPrimary,
      QUOTED: VALUES.deployUsername,
    };
    for (const [name, value] of Object.entries(expected)) {
      assert.equal(result.outputs[name], value);
      assert.equal(result.exportedEnv[name], value);
      assert.equal(job.env[name], value, 'the variable did not reach later steps');
    }
    assert.equal(result.outputs['PLAIN'], undefined);
    assert.deepEqual(
      result.outputs['managed-variables']?.split(',').sort(),
      Object.keys(expected).sort(),
    );
    assert.deepEqual(
      result.exportedEnv['OP_MANAGED_VARIABLES']?.split(',').sort(),
      Object.keys(expected).sort(),
    );
    assertNoLeak(result, Object.values(expected));
  });

  it('round-trips tricky values byte for byte through the environment of later steps', async () => {
    const job = newJob();
    const names = Object.entries(TRICKY_VALUES).map(
      ([label, value]) => [`T_${label.toUpperCase()}`, label, value] as const,
    );
    const result = await job.step({
      inputs: {
        secrets: secrets(
          Object.fromEntries(
            names.map(([name, label]) => [name, `op://Engineering/tricky/${label}`]),
          ),
        ),
        'export-env': 'true',
      },
    });
    assert.equal(result.exitCode, 0, result.stdout);
    for (const [name, , value] of names) {
      assert.equal(result.exportedEnv[name], value, `${name} changed in GITHUB_ENV`);
      assert.equal(job.env[name], value, `${name} changed on its way to later steps`);
    }
    assertNoLeak(result, Object.values(TRICKY_VALUES));
  });

  it('unsets what an earlier run exported', async () => {
    const job = newJob();
    const first = await job.step({
      inputs: {
        secrets: secrets({ A: 'op://Engineering/deploy/token', B: 'op://Platform/api/key' }),
        'export-env': 'true',
      },
    });
    assert.equal(first.exitCode, 0, first.stdout);
    assert.equal(job.env['A'], VALUES.deployToken);
    const second = await job.step({
      inputs: {
        secrets: secrets({ C: 'op://Engineering/deploy/username' }),
        'export-env': 'true',
        'unset-previous': 'true',
      },
    });
    assert.equal(second.exitCode, 0, second.stdout);
    assert.equal(job.env['A'], '');
    assert.equal(job.env['B'], '');
    assert.equal(job.env['C'], VALUES.deployUsername);
    assert.equal(job.env['OP_MANAGED_VARIABLES'], 'C');
    const onlyUnset = await job.step({
      inputs: { 'unset-previous': 'true' },
      env: { OP_CONNECT_TOKEN: '' },
    });
    assert.equal(onlyUnset.exitCode, 0, 'unset-previous alone needs no credentials');
    assert.equal(job.env['C'], '');
  });

  it('writes file: true secrets to 0600 files that the post step removes', async () => {
    const job = newJob();
    const result = await job.step({
      inputs: {
        secrets:
          'TLS_KEY:\n  ref: op://Platform/tls/private key\n  file: true\nTOKEN: op://Engineering/deploy/token',
        'export-env': 'true',
      },
    });
    assert.equal(result.exitCode, 0, result.stdout);
    const path = result.outputs['TLS_KEY'] ?? '';
    assert.equal(result.exportedEnv['TLS_KEY'], path);
    assert.equal(dirname(dirname(path)), job.runnerTemp);
    assert.equal(readFileSync(path, 'utf8'), VALUES.tlsPrivateKey);
    if (POSIX) {
      assert.equal(statSync(path).mode & 0o777, 0o600);
      assert.equal(statSync(dirname(path)).mode & 0o777, 0o700);
    }
    assert.ok(result.masks.includes(VALUES.tlsPrivateKey), 'file contents must be masked too');
    const [post] = await job.post();
    assert.equal(post?.exitCode, 0);
    assert.ok(!existsSync(dirname(path)), 'the post step left the files');
    assertNoLeak([result, ...(post ? [post] : [])], [VALUES.tlsPrivateKey, VALUES.deployToken]);
  });

  it('post step succeeds after a failed main step and when the files are already gone', async () => {
    const job = newJob();
    const failed = await job.step({
      inputs: { secrets: secrets({ A: 'op://Engineering/nothing/x' }) },
    });
    assert.equal(failed.exitCode, 1);
    const ok = await job.step({
      inputs: { secrets: 'K:\n  ref: op://Engineering/deploy/token\n  file: true' },
    });
    const path = ok.outputs['K'] ?? '';
    assert.ok(existsSync(path));
    const posts = await job.post();
    assert.deepEqual(
      posts.map((post) => post.exitCode),
      [0, 0],
    );
    assert.ok(!existsSync(path));
  });

  it('exports a whole item and honours mask: false', async () => {
    const job = newJob();
    const result = await job.step({
      inputs: {
        secrets:
          'W: op://Engineering/whole/*\nUSER:\n  ref: op://Engineering/deploy/username\n  mask: false',
        'export-env': 'true',
      },
    });
    assert.equal(result.exitCode, 0, result.stdout);
    for (const [suffix, value] of Object.entries(WHOLE_EXPORT)) {
      assert.equal(result.outputs[`W_${suffix}`], value);
      assert.ok(result.masks.includes(value));
    }
    assert.equal(result.outputs['W'], undefined);
    assert.equal(result.outputs['USER'], VALUES.deployUsername);
    assert.ok(!result.masks.includes(VALUES.deployUsername), 'mask: false was ignored');
  });

  it('shows no value in debug output either', async () => {
    const job = newJob();
    const result = await job.step({
      inputs: {
        secrets: secrets({ A: 'op://Engineering/deploy/token', B: 'op://Engineering/tricky/json' }),
      },
      env: { ACTIONS_STEP_DEBUG: 'true' },
    });
    assert.equal(result.exitCode, 0, result.stdout);
    assert.ok(result.stdout.includes('::debug::A => output'));
    assertNoLeak(result, [VALUES.deployToken, TRICKY_VALUES.json, CONNECT_TOKEN]);
  });
});

describe('Connect over HTTPS', () => {
  async function httpsStep(
    tls: true | 'untrusted',
    inputs: Record<string, string>,
    env: Record<string, string> = {},
  ) {
    const secure = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN, tls });
    const job = new Job({ env: { OP_CONNECT_HOST: secure.url, OP_CONNECT_TOKEN: CONNECT_TOKEN } });
    jobs.push(job);
    try {
      const result = await job.step({
        inputs: { secrets: secrets({ TOKEN: 'op://Engineering/deploy/token' }), ...inputs },
        env,
      });
      return { result, requests: secure.requests.length };
    } finally {
      await secure.close();
    }
  }

  it('trusts connect-ca given as a path or as PEM text', async () => {
    for (const ca of [TLS.ca, readFileSync(TLS.ca, 'utf8')]) {
      const { result } = await httpsStep(true, { 'connect-ca': ca });
      assert.equal(result.exitCode, 0, result.stdout);
      assert.equal(result.outputs['TOKEN'], VALUES.deployToken);
    }
  });

  it('honours NODE_EXTRA_CA_CERTS', async () => {
    const { result } = await httpsStep(true, {}, { NODE_EXTRA_CA_CERTS: TLS.ca });
    assert.equal(result.exitCode, 0, result.stdout);
    assert.equal(result.outputs['TOKEN'], VALUES.deployToken);
  });

  it('refuses an untrusted certificate, whatever NODE_TLS_REJECT_UNAUTHORIZED says', async () => {
    const { result, requests } = await httpsStep(
      'untrusted',
      { 'connect-ca': TLS.ca },
      { NODE_TLS_REJECT_UNAUTHORIZED: '0' },
    );
    assert.equal(result.exitCode, 1);
    assert.equal(errors(result)[0]?.title, 'SECRETS_PROVIDER_UNAVAILABLE');
    assert.match(errors(result)[0]?.message ?? '', /TLS/);
    assert.equal(requests, 0);
    assert.deepEqual(result.outputs, {});
  });

  it('rejects a connect-ca that holds no certificate', async () => {
    const { result } = await httpsStep(true, { 'connect-ca': 'no-such-file.pem' });
    assert.equal(result.exitCode, 1);
    assert.equal(errors(result)[0]?.title, 'SECRETS_CONFIG_INVALID');
  });
});
