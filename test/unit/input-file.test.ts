/**
 * Files named by inputs (OP_ENV_FILE, a connect-ca path, a template): regular files of at most
 * 1 MiB. A directory, FIFO, device or larger file is SECRETS_CONFIG_INVALID at once, naming the
 * input; so is a path that leads into /proc, /sys or /dev, or a relative one that leaves the
 * workspace once its symlinks are followed. A FIFO needs mkfifo and a writer process: that case is
 * in test/integration/input-fifo.test.ts.
 */
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path, { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { extraCertificates } from '../../src/backends/trust.ts';
import { SecretsError } from '../../src/errors.ts';
import {
  isInside,
  MAX_INPUT_FILE_BYTES,
  type Place,
  readInputBytes,
  readInputFile,
} from '../../src/input-file.ts';
import { readInputs } from '../../src/inputs.ts';
import { readSpecs } from '../../src/work.ts';
import { MemoryRunner } from '../support/memory-runner.ts';

const posix = process.platform !== 'win32';
const linux = process.platform === 'linux';
/** A regular file under /sys that a Linux machine has, if this one has any. */
const SYS_FILE = ['/sys/kernel/uevent_seqnum', '/sys/kernel/profiling', '/sys/power/state'].find(
  (file) => linux && existsSync(file) && statSync(file).isFile(),
);
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
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a file of exactly 1 MiB is read', async () => {
    assert.equal(
      readInputFile('OP_ENV_FILE', 'exact.env', { env: {}, cwd: dir }).length,
      MAX_INPUT_FILE_BYTES,
    );
    const { parsed } = await envFileErrors('exact.env', dir);
    assert.deepEqual(parsed.errors, []);
    assert.deepEqual(
      parsed.specs.map((spec) => spec.name),
      ['BIG'],
    );
  });

  it('a small file is read, relative to cwd or absolute', () => {
    assert.equal(readInputFile('OP_ENV_FILE', 'ok.env', { env: {}, cwd: dir }), 'A=op://V/i/f\n');
    assert.equal(
      readInputFile('OP_ENV_FILE', join(dir, 'ok.env'), { env: {}, cwd: '/' }),
      'A=op://V/i/f\n',
    );
  });

  it('readInputBytes gives the bytes exactly: a BOM, bytes that are not UTF-8, CRLF', () => {
    assert.deepEqual(
      [...readInputBytes('templates T', 'raw.bin', { env: {}, cwd: dir })],
      [0xef, 0xbb, 0xbf, 0x41, 0xff, 0x0d, 0x0a],
    );
  });

  const refused: { why: string; path: () => string; says: RegExp; skip?: boolean }[] = [
    { why: 'a directory', path: () => 'a-dir', says: /is a directory/ },
    { why: '1 MiB + 1 byte', path: () => 'over.env', says: /1048577 bytes, more than the 1 MiB/ },
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
      const error = thrownBy(() => extraCertificates(path(), { env: {}, cwd: dir }));
      assert.equal(error.code, 'SECRETS_CONFIG_INVALID');
      assert.match(error.message, /^connect-ca "/);
      assert.match(error.message, says);
    });
  }

  it('connect-ca: a PEM file is read, one over 1 MiB is refused', () => {
    assert.equal(extraCertificates('ca.pem', { env: {}, cwd: dir }).length, 1);
    const error = thrownBy(() => extraCertificates('over.pem', { env: {}, cwd: dir }));
    assert.equal(error.code, 'SECRETS_CONFIG_INVALID');
    assert.match(error.message, /more than the 1 MiB/);
  });
});

describe('input files: where a path may lead', () => {
  let root: string;
  let workspace: string;
  let outside: string;
  /** As the runner runs the step: GITHUB_WORKSPACE set, the workspace the working directory. */
  let place: Place;

  before(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'input-file-where-')));
    workspace = join(root, 'workspace');
    outside = join(root, 'outside');
    mkdirSync(join(workspace, 'sub'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(workspace, 'sub', 'ok.env'), 'A=op://V/i/f\n');
    writeFileSync(join(outside, 'x.env'), 'B=op://V/i/f\n');
    place = { env: { GITHUB_WORKSPACE: workspace }, cwd: workspace };
    if (posix) {
      symlinkSync(join(workspace, 'sub', 'ok.env'), join(workspace, 'in-link'));
      symlinkSync('../outside/x.env', join(workspace, 'out-link'));
      symlinkSync(outside, join(workspace, 'out-dir'));
      symlinkSync('/proc/self/environ', join(workspace, 'environ'));
      symlinkSync('/dev/zero', join(workspace, 'zero'));
      symlinkSync('/dev/null', join(workspace, 'null'));
      if (SYS_FILE) symlinkSync(SYS_FILE, join(workspace, 'sys'));
    }
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  /** The SecretsError reading `given` for OP_ENV_FILE from `at` gives. */
  const refusal = (given: string, at: Place = place) =>
    thrownBy(() => readInputFile('OP_ENV_FILE', given, at));

  it(
    'a relative path inside the workspace is read, through a symlink that stays inside too',
    {
      skip: !posix,
    },
    () => {
      assert.equal(readInputFile('OP_ENV_FILE', 'sub/ok.env', place), 'A=op://V/i/f\n');
      assert.equal(readInputFile('OP_ENV_FILE', 'in-link', place), 'A=op://V/i/f\n');
      assert.equal(readInputFile('OP_ENV_FILE', './sub/../in-link', place), 'A=op://V/i/f\n');
    },
  );

  it('an absolute path elsewhere is read', () => {
    assert.equal(readInputFile('OP_ENV_FILE', join(outside, 'x.env'), place), 'B=op://V/i/f\n');
  });

  it('a relative path is resolved against the working directory, checked against GITHUB_WORKSPACE', () => {
    const sub = { env: { GITHUB_WORKSPACE: workspace }, cwd: join(workspace, 'sub') };
    assert.equal(readInputFile('OP_ENV_FILE', 'ok.env', sub), 'A=op://V/i/f\n');
    const above = { env: { GITHUB_WORKSPACE: workspace }, cwd: root };
    assert.match(refusal('outside/x.env', above).message, /outside the workspace/);
    // Without GITHUB_WORKSPACE, the working directory is the workspace.
    assert.equal(
      readInputFile('OP_ENV_FILE', 'outside/x.env', { env: {}, cwd: root }),
      'B=op://V/i/f\n',
    );
  });

  const escapes: { why: string; given: string; skip?: boolean }[] = [
    { why: '../ out of the workspace', given: '../outside/x.env' },
    { why: '../.. further up', given: 'sub/../../outside/x.env' },
    { why: 'a symlink that points outside', given: 'out-link', skip: !posix },
    { why: 'a symlinked directory that leads outside', given: 'out-dir/x.env', skip: !posix },
  ];
  for (const { why, given, skip = false } of escapes) {
    it(`a relative path through ${why} is SECRETS_CONFIG_INVALID`, { skip }, () => {
      const error = refusal(given);
      assert.equal(error.code, 'SECRETS_CONFIG_INVALID');
      assert.ok(error.message.startsWith(`OP_ENV_FILE "${given}" leads to `), error.message);
      assert.match(error.message, /outside the workspace/);
    });
  }

  const system: { why: string; given: () => string; says: RegExp; skip: boolean }[] = [
    {
      why: 'a symlink to /proc/self/environ',
      given: () => 'environ',
      says: /leads to \/proc\/\d+\/environ: nothing is read from \/proc, \/sys or \/dev/,
      skip: !linux,
    },
    {
      why: '/proc/self/environ, absolute',
      given: () => '/proc/self/environ',
      says: /nothing is read from \/proc/,
      skip: !linux,
    },
    {
      why: 'an absolute symlink to /proc/self/environ',
      given: () => join(workspace, 'environ'),
      says: /nothing is read from \/proc/,
      skip: !linux,
    },
    { why: 'a symlink to /dev/zero', given: () => 'zero', says: /is a device/, skip: !posix },
    { why: 'a symlink to /dev/null', given: () => 'null', says: /is a device/, skip: !posix },
    {
      why: `a symlink to a regular file under /sys (${SYS_FILE ?? 'none here'})`,
      given: () => 'sys',
      says: /leads to \/sys\/.*nothing is read from \/proc, \/sys or \/dev/,
      skip: SYS_FILE === undefined,
    },
  ];
  for (const { why, given, says, skip } of system) {
    it(`${why} is SECRETS_CONFIG_INVALID for every input, nothing read`, { skip }, async () => {
      for (const error of [
        refusal(given()),
        thrownBy(() => extraCertificates(given(), place)),
        thrownBy(() => readInputBytes('templates APP', given(), place)),
      ]) {
        assert.equal(error.code, 'SECRETS_CONFIG_INVALID');
        assert.match(error.message, says);
        assert.doesNotMatch(error.message, /op:\/\/|INPUT_|TOKEN=/);
      }
      const { parsed } = await envFileErrors(given(), workspace);
      assert.deepEqual(
        parsed.errors.map((error) => error.code),
        ['SECRETS_CONFIG_INVALID'],
      );
      assert.deepEqual(parsed.specs, []);
    });
  }

  it('a path with control characters is shown escaped, never raw', async () => {
    for (const given of ['a\u0000b.env', 'new\nline.env', 'esc\u001b[31m.env', 'rtl\u202e.env']) {
      const { parsed } = await envFileErrors(given, workspace);
      const message = parsed.errors[0]?.message ?? '';
      assert.equal(parsed.errors[0]?.code, 'SECRETS_CONFIG_INVALID');
      assert.ok(message.startsWith('OP_ENV_FILE "'), message);
      assert.doesNotMatch(message, /[\p{Cc}\u202e]/u);
      assert.match(message, /\\u00(00|0a|1b)|\\u202e/);
    }
  });

  it('isInside: real paths, without case on Windows, never a sibling or another drive', () => {
    assert.ok(isInside('/w/repo', '/w/repo'));
    assert.ok(isInside('/w/repo', '/w/repo/a/b.tpl'));
    assert.ok(isInside('/w/repo', '/w/repo/..b.tpl'));
    assert.ok(!isInside('/w/repo', '/w/repo2/b.tpl'));
    assert.ok(!isInside('/w/repo', '/w/b.tpl'));
    assert.ok(!isInside('/w/repo', '/W/repo/b.tpl'));
    assert.ok(isInside('D:\\a\\Repo', 'd:\\A\\repo\\x.tpl', path.win32));
    assert.ok(!isInside('D:\\a\\repo', 'D:\\a\\repo2\\x.tpl', path.win32));
    assert.ok(!isInside('D:\\a\\repo', 'C:\\a\\repo\\x.tpl', path.win32));
    assert.ok(!isInside('D:\\a\\repo', '\\\\server\\share\\x.tpl', path.win32));
  });
});
