/**
 * A FIFO named by an input (OP_ENV_FILE, a connect-ca path) is SECRETS_CONFIG_INVALID at once,
 * never opened. Making one takes mkfifo, and the writer that keeps a wrong open from hanging is a
 * second process: the rest of the input-file rules are in test/unit/input-file.test.ts.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { extraCertificates } from '../../src/backends/trust.ts';
import { SecretsError } from '../../src/errors.ts';
import { readInputs } from '../../src/inputs.ts';
import { readSpecs } from '../../src/work.ts';
import { MemoryRunner } from '../support/memory-runner.ts';

const posix = process.platform !== 'win32';

/** What readSpecs reports for OP_ENV_FILE=`path`, and how long it took. */
async function envFileErrors(path: string, cwd: string) {
  const { inputs } = readInputs(new MemoryRunner({}));
  const started = performance.now();
  const parsed = await readSpecs(inputs, new MemoryRunner({ env: { OP_ENV_FILE: path }, cwd }));
  return { parsed, ms: performance.now() - started };
}

/** The SecretsError `run` throws; fails the test if it throws something else or nothing. */
function thrownBy(run: () => unknown): SecretsError {
  try {
    run();
  } catch (thrown) {
    assert.ok(thrown instanceof SecretsError, `not a SecretsError: ${String(thrown)}`);
    return thrown;
  }
  assert.fail('nothing was thrown');
}

describe('input files: a FIFO is refused', { skip: !posix }, () => {
  let dir: string;
  let writer: ChildProcess | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'input-fifo-test-'));
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    symlinkSync(join(dir, 'fifo'), join(dir, 'link-to-fifo'));
    // A writer on the FIFO, again and again: code that opened it would read this and go on, so the test
    // fails instead of hanging; code that refuses it leaves the writer waiting until killed.
    const script = `for (;;) require('node:fs').writeFileSync(${JSON.stringify(join(dir, 'fifo'))}, 'A=op://V/i/f\\n');`;
    writer = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  });

  after(() => {
    writer?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  const refused: { why: string; path: () => string; says: RegExp }[] = [
    { why: 'a FIFO', path: () => 'fifo', says: /is a FIFO/ },
    { why: 'a symlink to a FIFO', path: () => 'link-to-fifo', says: /is a FIFO/ },
  ];

  for (const { why, path, says } of refused) {
    it(`OP_ENV_FILE naming ${why} is SECRETS_CONFIG_INVALID at once`, async () => {
      const { parsed, ms } = await envFileErrors(path(), dir);
      assert.deepEqual(
        parsed.errors.map((error) => error.code),
        ['SECRETS_CONFIG_INVALID'],
      );
      const message = parsed.errors[0]?.message ?? '';
      assert.match(message, /^OP_ENV_FILE "/);
      assert.match(message, says);
      // Refused by stat, not by reading: well under a second even on a busy CI box.
      assert.ok(ms < 2000, `took ${Math.round(ms)} ms`);
    });

    it(`connect-ca naming ${why} is SECRETS_CONFIG_INVALID at once`, () => {
      const error = thrownBy(() => extraCertificates(path(), { env: {}, cwd: dir }));
      assert.equal(error.code, 'SECRETS_CONFIG_INVALID');
      assert.match(error.message, /^connect-ca "/);
      assert.match(error.message, says);
    });
  }
});
