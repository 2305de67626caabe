/**
 * Templates through the whole pipeline in-process, against the fake Connect server: rendered
 * byte for byte into 0600 files, placed values masked, failures named by template and line.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Code } from '../../src/errors.ts';
import { run } from '../../src/main.ts';
import { run as post } from '../../src/post.ts';
import { type FakeConnect, startFakeConnect } from '../fakes/connect-server.ts';
import { BUNDLE_PEM, CONNECT_TOKEN, VALUES, VAULTS } from '../fixtures/vault-data.ts';
import { MemoryRunner } from '../support/memory-runner.ts';

const POSIX = process.platform !== 'win32';

let server: FakeConnect;
let runnerTemp: string;
let workspace: string;

before(async () => {
  server = await startFakeConnect({ vaults: VAULTS, token: CONNECT_TOKEN });
});
after(() => server.close());
beforeEach(() => {
  runnerTemp = mkdtempSync(join(tmpdir(), 'pipeline-tpl-temp-'));
  workspace = mkdtempSync(join(tmpdir(), 'pipeline-tpl-work-'));
  server.reset();
});

/** Writes the templates into the workspace and returns a Connect step that renders them. */
function step(
  files: Record<string, string | Buffer>,
  inputs: Record<string, string>,
): MemoryRunner {
  for (const [name, content] of Object.entries(files))
    writeFileSync(join(workspace, name), content);
  return new MemoryRunner({
    inputs,
    cwd: workspace,
    env: { OP_CONNECT_HOST: server.url, OP_CONNECT_TOKEN: CONNECT_TOKEN, RUNNER_TEMP: runnerTemp },
  });
}

function codes(runner: MemoryRunner): string[] {
  return runner.errors.map((error) => error.title);
}

const WRITES = new Set(['setOutput', 'exportVariable', 'saveState']);

function assertNothingExported(runner: MemoryRunner): void {
  assert.deepEqual(
    runner.events.filter((event) => WRITES.has(event.kind)),
    [],
    'something was written by a failed run',
  );
  assert.deepEqual(readdirSync(runnerTemp), [], 'a failed run left files');
  assert.equal(runner.failed, true);
}

const NPMRC = [
  '//registry.npmjs.org/:_authToken={{ op://Engineering/deploy/token }}',
  'always-auth=true',
  '',
].join('\n');

describe('templates', () => {
  it('renders an .npmrc into a 0600 file whose path is the output; the post step removes it', async () => {
    const runner = step(
      { 'npmrc.tpl': NPMRC },
      { templates: 'NPMRC: npmrc.tpl', 'export-env': 'true' },
    );
    await run(runner);
    assert.equal(runner.failed, false, JSON.stringify(runner.errors));
    const path = runner.outputs['NPMRC'] ?? '';
    assert.equal(runner.exported['NPMRC'], path);
    assert.ok(path.startsWith(runnerTemp), path);
    assert.equal(
      readFileSync(path, 'utf8'),
      NPMRC.replace('{{ op://Engineering/deploy/token }}', VALUES.deployToken),
    );
    if (POSIX) assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.ok(runner.secrets.includes(VALUES.deployToken), 'the placed value is masked');
    assert.ok(
      !runner.secrets.some((secret) => secret.includes('always-auth')),
      'the text around it is not a secret',
    );
    assert.deepEqual(runner.summaries[0]?.table[1], [
      'NPMRC',
      'npmrc.tpl',
      'output, env, file',
      'resolved',
    ]);

    await post(new MemoryRunner({ env: { RUNNER_TEMP: runnerTemp }, state: runner.savedState }));
    assert.deepEqual(readdirSync(runnerTemp), []);
  });

  it('keeps every byte around the placeholders: BOM, CRLF, no final newline, values with newlines', async () => {
    const text =
      '\uFEFFa: {{op://Engineering/deploy/token}}\r\nnotes: |\r\n  {{ op://Engineering/deploy/notesPlain }}\r\n' +
      'pem: {{\top://Engineering/certs/bundle.pem\t}}{{ op://Engineering/deploy/token }}';
    const runner = step({ 'app.tpl': text }, { templates: 'APP: app.tpl' });
    await run(runner);
    assert.equal(runner.failed, false, JSON.stringify(runner.errors));
    const expected =
      `\uFEFFa: ${VALUES.deployToken}\r\nnotes: |\r\n  ${VALUES.deployNotes}\r\n` +
      `pem: ${BUNDLE_PEM}${VALUES.deployToken}`;
    assert.deepEqual(readFileSync(runner.outputs['APP'] ?? ''), Buffer.from(expected, 'utf8'));
    for (const value of [VALUES.deployToken, VALUES.deployNotes, BUNDLE_PEM]) {
      assert.ok(runner.secrets.includes(value), 'every placed value is masked');
    }
  });

  it('resolves a ref shared by a template and a secret once', async () => {
    const runner = step(
      { 'npmrc.tpl': NPMRC },
      { templates: 'NPMRC: npmrc.tpl', secrets: 'TOKEN: op://Engineering/deploy/token' },
    );
    await run(runner);
    assert.equal(runner.failed, false, JSON.stringify(runner.errors));
    assert.ok(runner.infos.includes('op://Engineering/deploy/token: resolved'));
    assert.equal(
      runner.infos.filter((line) => line.startsWith('op://Engineering/deploy/token')).length,
      1,
    );
  });

  it('a reference that fails is named by template and line, with its code; nothing is written', async () => {
    const runner = step(
      { 'npmrc.tpl': 'registry=x\n_auth={{ op://Engineering/nope/token }}\n' },
      { templates: 'NPMRC: npmrc.tpl', secrets: 'TOKEN: op://Engineering/deploy/token' },
    );
    await run(runner);
    assertNothingExported(runner);
    assert.deepEqual(codes(runner), [Code.refNotFound]);
    assert.match(runner.errors[0]?.message ?? '', /^NPMRC \(npmrc\.tpl:2\): /);
  });

  it('an unclosed placeholder is SECRETS_CONFIG_INVALID with its line, before any request', async () => {
    const runner = step(
      { 'bad.tpl': 'ok\nx={{ op://Engineering/deploy/token\n' },
      { templates: 'BAD: bad.tpl' },
    );
    await run(runner);
    assertNothingExported(runner);
    assert.deepEqual(codes(runner), [Code.configInvalid]);
    assert.match(runner.errors[0]?.message ?? '', /bad\.tpl:2/);
    assert.equal(server.requests.length, 0);
  });

  it('a whole item inside a template is SECRETS_CONFIG_INVALID', async () => {
    const runner = step({ 'w.tpl': '{{ op://Engineering/whole/* }}' }, { templates: 'W: w.tpl' });
    await run(runner);
    assertNothingExported(runner);
    assert.deepEqual(codes(runner), [Code.configInvalid]);
    assert.equal(server.requests.length, 0);
  });

  it('a binary attachment cannot be placed: SECRETS_REF_INVALID', async () => {
    const runner = step(
      { 'b.tpl': '{{ op://Engineering/certs/binary.bin }}' },
      { templates: 'B: b.tpl' },
    );
    await run(runner);
    assertNothingExported(runner);
    assert.deepEqual(codes(runner), [Code.refInvalid]);
  });

  it('a template named like a secret is SECRETS_CONFIG_INVALID', async () => {
    const runner = step(
      { 'npmrc.tpl': NPMRC },
      { templates: 'token: npmrc.tpl', secrets: 'TOKEN: op://Engineering/deploy/token' },
    );
    await run(runner);
    assertNothingExported(runner);
    assert.deepEqual(codes(runner), [Code.configInvalid]);
    assert.equal(server.requests.length, 0);
  });

  it('a field of a whole item named like a template is SECRETS_CONFIG_INVALID, not exported twice', async () => {
    const runner = step(
      { 'npmrc.tpl': NPMRC },
      { templates: 'W_API_KEY: npmrc.tpl', secrets: 'W: op://Engineering/whole/*' },
    );
    await run(runner);
    assertNothingExported(runner);
    assert.deepEqual(codes(runner), [Code.configInvalid]);
    assert.match(
      runner.errors[0]?.message ?? '',
      /W_API_KEY, which clashes with the secret W_API_KEY/,
    );
  });

  it('a missing template file is SECRETS_CONFIG_INVALID naming it', async () => {
    const runner = step({}, { templates: 'NPMRC: nowhere.tpl' });
    await run(runner);
    assertNothingExported(runner);
    assert.match(runner.errors[0]?.message ?? '', /nowhere\.tpl/);
  });

  it('templates without placeholders need no credentials and make no request', async () => {
    for (const dryRun of ['false', 'true']) {
      writeFileSync(join(workspace, 'plain.tpl'), 'registry=https://registry.example/\n');
      const runner = new MemoryRunner({
        inputs: { templates: 'PLAIN: plain.tpl', 'dry-run': dryRun },
        cwd: workspace,
        env: { RUNNER_TEMP: runnerTemp },
      });
      await run(runner);
      assert.equal(runner.failed, false, JSON.stringify(runner.errors));
      assert.deepEqual(runner.warnings, []);
      assert.ok(!runner.events.some((event) => event.kind === 'group'), 'nothing resolved');
      assert.equal(server.requests.length, 0);
      if (dryRun === 'true') {
        assert.equal(
          runner.infos.at(-1),
          'dry run: resolved 1 secret without a request (no op:// references); nothing was exported',
        );
        assert.equal(runner.outputs['PLAIN'], undefined);
      } else {
        assert.equal(
          runner.infos.at(-1),
          'resolved 1 secret without a request (no op:// references) as outputs',
        );
        assert.equal(
          readFileSync(runner.outputs['PLAIN'] ?? '', 'utf8'),
          'registry=https://registry.example/\n',
        );
      }
    }
  });

  it('in a dry run, renders in memory and writes no file', async () => {
    const runner = step(
      { 'npmrc.tpl': NPMRC },
      { templates: 'NPMRC: npmrc.tpl', 'dry-run': 'true' },
    );
    await run(runner);
    assert.equal(runner.failed, false, JSON.stringify(runner.errors));
    assert.deepEqual(readdirSync(runnerTemp), []);
    assert.deepEqual(Object.keys(runner.outputs).sort(), ['refresh-at', 'resolved-at']);
    assert.deepEqual(runner.savedState, {});
    assert.ok(runner.secrets.includes(VALUES.deployToken));
    assert.deepEqual(runner.summaries[0]?.table[1], [
      'NPMRC',
      'npmrc.tpl',
      'nothing (dry run: output, file)',
      'resolved',
    ]);
  });
});
