/**
 * `npm run local-action`: the TypeScript source, main then post, through GitHub's
 * @github/local-action against the fake Connect server; the values never show in clear.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, it } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { ALL_VALUES, CONNECT_TOKEN, VALUES, WRONG_CONNECT_TOKEN } from '../fixtures/vault-data.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = join(root, 'scripts', 'local-action.ts');
const LOADED = [VALUES.deployToken, VALUES.dbStagingPassword, VALUES.tlsPrivateKey];

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'local-action-test-'));
  dirs.push(dir);
  return dir;
}

/** Runs the script on Node 24 (this one); a busy 2-core CI machine needs the long timeout. */
function localAction(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [SCRIPT, ...args],
      { cwd: root, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        done({ code, output: stripVTControlCharacters(`${stdout}\n${stderr}`) });
      },
    );
  });
}

/** Names in local-action's "Action Outputs" table. */
function outputNames(output: string): string[] {
  const table = output.slice(output.indexOf('Action Outputs'));
  return [...table.matchAll(/^│ \d+\s+│ '([^']+)'/gm)].map((match) => match[1] ?? '');
}

/** Fails, without quoting it, when a value (or a line of one) shows in clear. */
function assertNoValue(output: string, values: readonly string[]): void {
  values.forEach((value, index) => {
    const lines = value.split('\n').filter((line) => line.trim().length >= 8);
    for (const needle of [value, ...lines]) {
      assert.ok(!output.includes(needle), `value #${index} (or a line of it) shows in clear`);
    }
  });
}

describe('npm run local-action', { timeout: 130_000 }, () => {
  it('runs main then post on .env.example: outputs set, files removed, values masked', async () => {
    const runnerTemp = tempDir();
    const { code, output } = await localAction(['--runner-temp', runnerTemp]);
    assert.equal(code, 0, output);
    assert.match(output, /Running Action[\s\S]*Running Post Step[\s\S]*Action Outputs/);
    // The stub lists the outputs that hold no registered secret; it withholds the others.
    assert.deepEqual(outputNames(output), [
      'TLS_KEY',
      'resolved-at',
      'refresh-at',
      'managed-variables',
    ]);
    assert.match(output, /│ 'DEPLOY_TOKEN,DB_PASSWORD,TLS_KEY' +│/);
    for (const name of ['DEPLOY_TOKEN', 'DB_PASSWORD']) {
      assert.match(output, new RegExp(`Skip output ${name} since it may contain secret`));
    }
    assert.match(output, /::debug::TLS_KEY => output, env, file/);
    // The main step wrote the file under this RUNNER_TEMP; the post step removed it.
    const filesDir = /removed the secret files in (\S+)/.exec(output)?.[1];
    assert.ok(filesDir?.startsWith(join(runnerTemp, 'op-secrets-')), output);
    assert.deepEqual(readdirSync(runnerTemp), ['step-summary.md']);
    assert.match(readFileSync(join(runnerTemp, 'step-summary.md'), 'utf8'), /DEPLOY_TOKEN/);
    assertNoValue(output, [...LOADED, ...ALL_VALUES, CONNECT_TOKEN]);
  });

  it('fails when the action reports an error (a token Connect rejects)', async () => {
    const dir = tempDir();
    const env = readFileSync(join(root, '.env.example'), 'utf8').replace(
      /^OP_CONNECT_TOKEN=.*$/m,
      `OP_CONNECT_TOKEN=${WRONG_CONNECT_TOKEN}`,
    );
    writeFileSync(join(dir, 'wrong-token.env'), env);
    const runnerTemp = tempDir();
    const { code, output } = await localAction([
      join(dir, 'wrong-token.env'),
      '--runner-temp',
      runnerTemp,
    ]);
    assert.notEqual(code, 0, output);
    assert.match(output, /::error title=SECRETS_PROVIDER_UNAVAILABLE::Connect rejected the token/);
    assert.match(output, /local-action: the action reported an error/);
    assert.match(output, /No outputs were set!/);
    assertNoValue(output, [...ALL_VALUES, WRONG_CONNECT_TOKEN]);
  });
});
