/**
 * The real door to the runner (src/actions-runner.ts): which file-command targets it calls
 * unwritable, and that what it writes reaches the runner's files through @actions/core.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { actionsRunner } from '../../src/actions-runner.ts';

const dir = mkdtempSync(join(tmpdir(), 'actions-runner-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const TARGETS = ['GITHUB_OUTPUT', 'GITHUB_ENV', 'GITHUB_STATE'] as const;
const saved = Object.fromEntries(TARGETS.map((name) => [name, process.env[name]]));
afterEach(() => {
  for (const name of TARGETS) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

function file(name: string): string {
  const path = join(dir, name);
  writeFileSync(path, '');
  return path;
}

describe('actionsRunner: unwritable targets', () => {
  it('regular files that exist: every target can be written', () => {
    process.env['GITHUB_OUTPUT'] = file('output');
    process.env['GITHUB_ENV'] = file('env');
    process.env['GITHUB_STATE'] = file('state');
    assert.deepEqual(actionsRunner().unwritable(TARGETS), []);
  });

  it('a directory, a missing file: named, with why', () => {
    const directory = join(dir, 'a-directory');
    mkdirSync(directory);
    process.env['GITHUB_OUTPUT'] = file('output');
    process.env['GITHUB_ENV'] = directory;
    process.env['GITHUB_STATE'] = join(dir, 'missing');
    assert.deepEqual(actionsRunner().unwritable(TARGETS), [
      `GITHUB_ENV (${directory}) is not a regular file`,
      `GITHUB_STATE (${join(dir, 'missing')}) cannot be written (ENOENT)`,
    ]);
  });

  it('only the targets asked about are checked', () => {
    process.env['GITHUB_OUTPUT'] = file('output');
    process.env['GITHUB_ENV'] = join(dir, 'missing');
    assert.deepEqual(actionsRunner().unwritable(['GITHUB_OUTPUT']), []);
  });

  it('an unset target is left to core (it falls back to a workflow command)', () => {
    delete process.env['GITHUB_STATE'];
    assert.deepEqual(actionsRunner().unwritable(['GITHUB_STATE']), []);
  });
});

describe('actionsRunner: writes through @actions/core', () => {
  it('an output with newlines reaches GITHUB_OUTPUT exactly, in the runner format', () => {
    const output = file('output-format');
    process.env['GITHUB_OUTPUT'] = output;
    actionsRunner().setOutput('PEM', 'line one\nline two\n');
    const text = readFileSync(output, 'utf8');
    const match = /^PEM<<(ghadelimiter_[\w-]+)\n([\s\S]*)\n\1\n$/.exec(text);
    assert.ok(match, text);
    assert.equal(match[2], 'line one\nline two\n');
  });
});
