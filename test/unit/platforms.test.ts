/**
 * What differs on Windows and macOS, tested here on any platform: Windows paths through
 * path.win32 (drive letters, both separators, case), and CRLF line ends in the inputs that a
 * Windows checkout (core.autocrlf) or editor gives: the secrets YAML, OP_ENV_FILE, connect-ca.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { extraCertificates } from '../../src/backends/trust.ts';
import { FILES_PREFIX, fileNameProblem, filesDirProblem } from '../../src/files.ts';
import { readInputs } from '../../src/inputs.ts';
import { readSpecs } from '../../src/work.ts';
import { parseEnvFile, parseSecretsYaml } from '../../src/secret-specs.ts';
import { MemoryRunner } from '../support/memory-runner.ts';

const crlf = (text: string) => text.replace(/\r?\n/g, '\r\n');

describe('filesDirProblem: the saved directory, exactly as the action writes it', () => {
  const env = { RUNNER_TEMP: 'D:\\a\\_temp' };
  const { posix, win32 } = path;
  const accepts = (dir: string, paths: path.PlatformPath, on = env) =>
    assert.equal(filesDirProblem(dir, on, paths), undefined, dir);
  const refuses = (dir: string, paths: path.PlatformPath, on = env) =>
    assert.notEqual(filesDirProblem(dir, on, paths), undefined, dir);

  it('on Windows (path.win32): a direct child, any case of drive or letters', () => {
    accepts(`D:\\a\\_temp\\${FILES_PREFIX}Ab12Cd`, win32);
    accepts(`d:\\a\\_temp\\${FILES_PREFIX}Ab12Cd`, win32);
    accepts(`D:\\A\\_TEMP\\${FILES_PREFIX}Ab12Cd`, win32);
    // RUNNER_TEMP written with forward slashes and a trailing one: the path it names.
    accepts(`D:\\a\\_temp\\${FILES_PREFIX}Ab12Cd`, win32, { RUNNER_TEMP: 'd:/a/_temp/' });
  });

  it('on Windows: anything written otherwise, elsewhere or named otherwise is refused', () => {
    for (const dir of [
      `D:/a/_temp/${FILES_PREFIX}Ab12Cd`,
      `D:\\a\\_temp\\${FILES_PREFIX}Ab12Cd\\`,
      `D:\\a\\_temp\\\\${FILES_PREFIX}Ab12Cd`,
      `D:\\a\\_temp\\sub\\..\\${FILES_PREFIX}Ab12Cd`,
      `C:\\a\\_temp\\${FILES_PREFIX}Ab12Cd`,
      `D:\\a\\_temp\\sub\\${FILES_PREFIX}Ab12Cd`,
      `D:\\a\\${FILES_PREFIX}Ab12Cd`,
      `D:\\a\\_temp\\other-Ab12Cd`,
      `D:\\a\\_temp\\${FILES_PREFIX}x`,
      `D:\\a\\_temp`,
      `D:\\a\\_temp\\${FILES_PREFIX}x\\..\\..\\work`,
      `${FILES_PREFIX}Ab12Cd`,
    ]) {
      refuses(dir, win32);
    }
  });

  it('on Linux and macOS (path.posix): exact, case-sensitive', () => {
    const on = { RUNNER_TEMP: '/home/runner/work/_temp' };
    accepts(`/home/runner/work/_temp/${FILES_PREFIX}Ab12Cd`, posix, on);
    for (const dir of [
      `/home/runner/work/_temp/${FILES_PREFIX}Ab12Cd/`,
      `/home/runner/work/_temp/${FILES_PREFIX}Ab12Cd//`,
      `/home/runner/work/_temp//${FILES_PREFIX}Ab12Cd`,
      `/home/runner/work/_temp/./${FILES_PREFIX}Ab12Cd`,
      `/home/runner/work/_temp/${FILES_PREFIX}x/../${FILES_PREFIX}Ab12Cd`,
      `/home/runner/work/_TEMP/${FILES_PREFIX}Ab12Cd`,
      `/home/runner/work/${FILES_PREFIX}Ab12Cd`,
      `/home/runner/work/_temp/${FILES_PREFIX}Ab12C`,
      `/home/runner/work/_temp/${FILES_PREFIX}Ab12Cd7`,
      `/home/runner/work/_temp/${FILES_PREFIX}Ab-2Cd`,
    ]) {
      refuses(dir, posix, on);
    }
  });
});

describe('secret file names on Windows', () => {
  for (const name of ['CON', 'nul', 'Aux', 'PRN', 'COM1', 'com9', 'LPT1', 'CONIN$', 'NUL.txt']) {
    it(`refuses ${name} on Windows only`, () => {
      assert.match(fileNameProblem(name, 'win32') ?? '', /names a Windows device/);
      assert.equal(fileNameProblem(name, 'linux'), undefined);
      assert.equal(fileNameProblem(name, 'darwin'), undefined);
    });
  }

  for (const name of ['CONFIG', 'NULL', 'COM', 'COM10', 'LPT_1', 'TLS_KEY', 'con_file']) {
    it(`takes ${name}`, () => assert.equal(fileNameProblem(name, 'win32'), undefined));
  }
});

describe('CRLF line ends', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'platforms-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the secrets input: no \\r in names, refs or flags', () => {
    const text = crlf(
      'DEPLOY_TOKEN: op://Engineering/deploy/token\nTLS_KEY:\n  ref: op://Platform/tls/private key\n  file: true\n',
    );
    const { raw, errors } = parseSecretsYaml(text);
    assert.deepEqual(errors, []);
    assert.deepEqual(
      raw.map(({ name, ref, file }) => ({ name, ref, file })),
      [
        { name: 'DEPLOY_TOKEN', ref: 'op://Engineering/deploy/token', file: false },
        { name: 'TLS_KEY', ref: 'op://Platform/tls/private key', file: true },
      ],
    );
  });

  it('OP_ENV_FILE: the same entries, skipped names and duplicates as with LF', async () => {
    const text =
      '# refs\nA=op://V/i/f\nB="op://V/i/g"\nexport C=op://V/i/h\nD=plain\nE=op://V/x/y\nE=op://V/x/z\n';
    const lf = await parseEnvFile(text);
    const windows = await parseEnvFile(crlf(text));
    assert.deepEqual(windows, lf);
    assert.deepEqual(
      windows.raw.map(({ name, ref }) => [name, ref]),
      [
        ['A', 'op://V/i/f'],
        ['B', 'op://V/i/g'],
        ['C', 'op://V/i/h'],
      ],
    );
    assert.deepEqual(windows.skipped, ['D']);
    assert.deepEqual(windows.duplicates, ['E']);
  });

  it('OP_ENV_FILE read from a CRLF file through readSpecs', async () => {
    writeFileSync(path.join(dir, '.env.tpl'), crlf('TOKEN=op://Engineering/deploy/token\n'));
    const { inputs } = readInputs(new MemoryRunner({}));
    const parsed = await readSpecs(
      inputs,
      new MemoryRunner({ env: { OP_ENV_FILE: '.env.tpl' }, cwd: dir }),
    );
    assert.deepEqual(parsed.errors, []);
    assert.deepEqual(
      parsed.specs.map(({ name, source }) => [name, source]),
      [['TOKEN', 'env-file']],
    );
  });

  const caPem = readFileSync(new URL('../fixtures/tls/ca.pem', import.meta.url), 'utf8');
  const otherPem = readFileSync(new URL('../fixtures/tls/other-ca.pem', import.meta.url), 'utf8');

  it('connect-ca as PEM text: every certificate parses', () => {
    const blocks = extraCertificates(crlf(`${caPem}\n${otherPem}`), { env: {}, cwd: dir });
    assert.equal(blocks.length, 2);
    assert.ok(blocks.every((block) => block.includes('\r\n')));
  });

  it('connect-ca as the path of a CRLF PEM file, relative or absolute with either separator', () => {
    writeFileSync(path.join(dir, 'ca.pem'), crlf(caPem));
    assert.equal(extraCertificates('ca.pem', { env: {}, cwd: dir }).length, 1);
    assert.equal(extraCertificates(path.join(dir, 'ca.pem'), { env: {}, cwd: '/' }).length, 1);
    assert.equal(extraCertificates(`${dir}/ca.pem`, { env: {}, cwd: '/' }).length, 1);
  });
});
