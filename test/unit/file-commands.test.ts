import assert from 'node:assert/strict';
import fs, { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { appendFileCommand, heredoc } from '../../src/file-commands.ts';
import { envFilePairs } from '../harness/file-commands.ts';

const HEREDOC =
  /^(?<name>[^\n]*)<<ghadelimiter_(?<id>[0-9a-f]{32})\n(?<value>[\s\S]*)\nghadelimiter_\k<id>\n$/;

describe('heredoc', () => {
  const values = [
    'plain',
    '',
    'two\nlines',
    'trailing newline\n',
    'trailing spaces   ',
    '  leading spaces',
    '-----BEGIN PRIVATE KEY-----\nMC4CAQ\n-----END PRIVATE KEY-----\n',
    'crlf\r\nline',
    'a=b<<c',
    'ghadelimiter_not-the-one',
    'unicode ☃ é',
  ];
  for (const value of values) {
    it(`formats ${JSON.stringify(value)} exactly`, () => {
      const text = heredoc('NAME', value);
      const match = HEREDOC.exec(text);
      assert.ok(
        match,
        `${JSON.stringify(text)} is not name<<ghadelimiter_<id>\\nvalue\\nghadelimiter_<id>\\n`,
      );
      assert.equal(match.groups?.['name'], 'NAME');
      assert.equal(match.groups?.['value'], value);
      const id = match.groups?.['id'] ?? '';
      assert.equal(text, `NAME<<ghadelimiter_${id}\n${value}\nghadelimiter_${id}\n`);
    });
    it(`the runner reads ${JSON.stringify(value)} back exactly`, () => {
      const pairs = [...envFilePairs(heredoc('NAME', value), false)];
      assert.deepEqual(pairs, [['NAME', value]]);
    });
  }

  it('uses a fresh delimiter of the same shape each time', () => {
    const ids = new Set<string>();
    for (let count = 0; count < 5_000; count++) {
      const text = heredoc('A', 'x');
      const id = HEREDOC.exec(text)?.groups?.['id'];
      assert.ok(id, `${JSON.stringify(text)} has no delimiter of the expected shape`);
      ids.add(id);
    }
    assert.equal(ids.size, 5_000);
  });
});

describe('appendFileCommand', () => {
  let dir: string;
  let appends: string[] = [];
  const original = fs.appendFileSync;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'file-commands-test-'));
    fs.appendFileSync = (...args: Parameters<typeof original>) => {
      appends.push(String(args[0]));
      return original(...args);
    };
    syncBuiltinESMExports();
  });
  after(() => {
    fs.appendFileSync = original;
    syncBuiltinESMExports();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    appends = [];
  });

  it('writes every entry in one append, readable by the runner', () => {
    const path = join(dir, 'output-1');
    writeFileSync(path, 'EARLIER=kept\n');
    const entries: [string, string][] = [
      ['A', 'one'],
      ['B', 'multi\nline\n'],
      ['C', ''],
      ['D', 'ghadelimiter_'],
    ];
    appendFileCommand('GITHUB_OUTPUT', entries, { GITHUB_OUTPUT: path });
    assert.deepEqual(appends, [path], 'exactly one append');
    const text = readFileSync(path, 'utf8');
    assert.deepEqual([...envFilePairs(text, false)], [['EARLIER', 'kept'], ...entries]);
  });

  it('writes GITHUB_ENV the same way', () => {
    const path = join(dir, 'env-1');
    appendFileCommand('GITHUB_ENV', [['X', 'y']], { GITHUB_ENV: path });
    assert.equal(appends.length, 1);
    const text = readFileSync(path, 'utf8');
    assert.match(text, HEREDOC);
    assert.deepEqual([...envFilePairs(text, false)], [['X', 'y']]);
  });

  it('one append per call', () => {
    const path = join(dir, 'output-2');
    appendFileCommand('GITHUB_OUTPUT', [['A', '1']], { GITHUB_OUTPUT: path });
    appendFileCommand(
      'GITHUB_OUTPUT',
      [
        ['B', '2'],
        ['C', '3'],
      ],
      { GITHUB_OUTPUT: path },
    );
    assert.equal(appends.length, 2);
    assert.deepEqual(
      [...envFilePairs(readFileSync(path, 'utf8'), false)],
      [
        ['A', '1'],
        ['B', '2'],
        ['C', '3'],
      ],
    );
  });

  it('throws when GITHUB_OUTPUT is missing', () => {
    assert.throws(() => appendFileCommand('GITHUB_OUTPUT', [['A', '1']], {}), /GITHUB_OUTPUT/);
    assert.equal(appends.length, 0);
  });

  it('throws when GITHUB_OUTPUT is empty', () => {
    assert.throws(() => appendFileCommand('GITHUB_OUTPUT', [['A', '1']], { GITHUB_OUTPUT: '' }));
  });

  it('throws when GITHUB_ENV is missing', () => {
    assert.throws(
      () => appendFileCommand('GITHUB_ENV', [['A', '1']], { GITHUB_OUTPUT: join(dir, 'x') }),
      /GITHUB_ENV/,
    );
  });

  it('writes nothing for no entries', () => {
    const path = join(dir, 'output-3');
    appendFileCommand('GITHUB_OUTPUT', [], { GITHUB_OUTPUT: path });
    assert.equal(appends.length, 0);
    assert.equal(fs.existsSync(path), false);
  });
});
