/**
 * Files named by inputs (OP_ENV_FILE, a connect-ca path): regular files of at most 1 MiB.
 * A directory, FIFO, device or larger file is SECRETS_CONFIG_INVALID at once, naming the input.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { extraCertificates } from '../../src/backends/trust.ts';
import { SecretsError } from '../../src/errors.ts';
import { MAX_INPUT_FILE_BYTES, readInputBytes, readInputFile } from '../../src/input-file.ts';
import { readInputs, readSpecs } from '../../src/inputs.ts';
import { MemoryRunner } from '../support/memory-runner.ts';

const posix = process.platform !== 'win32';
const caPem = readFileSync(new URL('../fixtures/tls/ca.pem', import.meta.url), 'utf8');

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

describe('input files: regular files of at most 1 MiB', () => {
  let dir: string;
  let writer: ChildProcess | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'input-file-test-'));
    mkdirSync(join(dir, 'a-dir'));
    writeFileSync(join(dir, 'ok.env'), 'A=op://V/i/f\n');
    writeFileSync(join(dir, 'ca.pem'), caPem);
    writeFileSync(join(dir, 'raw.bin'), Uint8Array.of(0xef, 0xbb, 0xbf, 0x41, 0xff, 0x0d, 0x0a));
    // Exactly 1 MiB: a reference, then a comment line filling the rest.
    const head = 'BIG=op://V/i/f\n#';
    writeFileSync(
      join(dir, 'exact.env'),
      head + 'x'.repeat(MAX_INPUT_FILE_BYTES - Buffer.byteLength(head)),
    );
    writeFileSync(join(dir, 'over.env'), 'x'.repeat(MAX_INPUT_FILE_BYTES + 1));
    writeFileSync(join(dir, 'over.pem'), `${caPem}${' '.repeat(MAX_INPUT_FILE_BYTES)}`);
    if (posix) {
      execFileSync('mkfifo', [join(dir, 'fifo')]);
      symlinkSync(join(dir, 'fifo'), join(dir, 'link-to-fifo'));
      // A writer on the FIFO, again and again: code that opened it would read this and go on, so the test
      // fails instead of hanging; code that refuses it leaves the writer waiting until killed.
      const script = `for (;;) require('node:fs').writeFileSync(${JSON.stringify(join(dir, 'fifo'))}, 'A=op://V/i/f\\n');`;
      writer = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
    }
  });

  after(() => {
    writer?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a file of exactly 1 MiB is read', async () => {
    assert.equal(readInputFile('OP_ENV_FILE', 'exact.env', dir).length, MAX_INPUT_FILE_BYTES);
    const { parsed } = await envFileErrors('exact.env', dir);
    assert.deepEqual(parsed.errors, []);
    assert.deepEqual(
      parsed.specs.map((spec) => spec.name),
      ['BIG'],
    );
  });

  it('a small file is read, relative to cwd or absolute', () => {
    assert.equal(readInputFile('OP_ENV_FILE', 'ok.env', dir), 'A=op://V/i/f\n');
    assert.equal(readInputFile('OP_ENV_FILE', join(dir, 'ok.env'), '/'), 'A=op://V/i/f\n');
  });

  it('readInputBytes gives the bytes exactly: a BOM, bytes that are not UTF-8, CRLF', () => {
    assert.deepEqual(
      [...readInputBytes('templates T', 'raw.bin', dir)],
      [0xef, 0xbb, 0xbf, 0x41, 0xff, 0x0d, 0x0a],
    );
  });

  const refused: { why: string; path: () => string; says: RegExp; skip?: boolean }[] = [
    { why: 'a directory', path: () => 'a-dir', says: /is a directory/ },
    { why: '1 MiB + 1 byte', path: () => 'over.env', says: /1048577 bytes, more than the 1 MiB/ },
    { why: 'a FIFO', path: () => 'fifo', says: /is a FIFO/, skip: !posix },
    { why: 'a symlink to a FIFO', path: () => 'link-to-fifo', says: /is a FIFO/, skip: !posix },
    { why: '/dev/zero', path: () => '/dev/zero', says: /is a device/, skip: !posix },
    { why: 'a missing file', path: () => 'missing.env', says: /cannot be read: .*ENOENT/ },
  ];

  for (const { why, path, says, skip = false } of refused) {
    it(`OP_ENV_FILE naming ${why} is SECRETS_CONFIG_INVALID at once`, { skip }, async () => {
      const { parsed, ms } = await envFileErrors(path(), dir);
      assert.deepEqual(
        parsed.errors.map((error) => error.code),
        ['SECRETS_CONFIG_INVALID'],
      );
      const message = parsed.errors[0]?.message ?? '';
      assert.match(message, /^OP_ENV_FILE "/);
      assert.match(message, says);
      // Refused by stat, not by reading: well under a second here; wide for a busy machine.
      assert.ok(ms < 15_000, `took ${Math.round(ms)} ms`);
    });

    it(`connect-ca naming ${why} is SECRETS_CONFIG_INVALID at once`, { skip }, () => {
      const error = thrownBy(() => extraCertificates(path(), dir));
      assert.equal(error.code, 'SECRETS_CONFIG_INVALID');
      assert.match(error.message, /^connect-ca "/);
      assert.match(error.message, says);
    });
  }

  it('connect-ca: a PEM file is read, one over 1 MiB is refused', () => {
    assert.equal(extraCertificates('ca.pem', dir).length, 1);
    const error = thrownBy(() => extraCertificates('over.pem', dir));
    assert.equal(error.code, 'SECRETS_CONFIG_INVALID');
    assert.match(error.message, /more than the 1 MiB/);
  });
});
