/**
 * The built action (dist/) run as the GitHub runner runs it, against the fake Connect server: what
 * only a real process shows (the file-command format, the runner's masking, env between steps,
 * TLS at process start). The pipeline's rules are tested in-process: test/integration/pipeline.test.ts.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { type FakeConnect, startFakeConnect, TLS } from '../fakes/connect-server.ts';
import { CONNECT_TOKEN, TRICKY_VALUES, VALUES, VAULTS } from '../fixtures/vault-data.ts';
import { assertNoLeak, errorsOf, Job } from '../harness/index.ts';

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
      /^<h3>1Password secrets \(step __self\)<\/h3>\n<table><tr><th>Name<\/th><th>Reference<\/th><th>Exported as<\/th><th>Result<\/th><\/tr>/,
    );
    assert.match(
      result.summary,
      /<tr><td>DEPLOY_TOKEN<\/td><td>op:\/\/Engineering\/deploy\/token<\/td><td>output<\/td><td>resolved<\/td><\/tr>/,
    );
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
    assert.equal(errorsOf(result)[0]?.title, 'SECRETS_PROVIDER_UNAVAILABLE');
    assert.match(errorsOf(result)[0]?.message ?? '', /TLS/);
    assert.equal(requests, 0);
    assert.deepEqual(result.outputs, {});
  });

  it('rejects a connect-ca that holds no certificate', async () => {
    const { result } = await httpsStep(true, { 'connect-ca': 'no-such-file.pem' });
    assert.equal(result.exitCode, 1);
    assert.equal(errorsOf(result)[0]?.title, 'SECRETS_CONFIG_INVALID');
  });
});
