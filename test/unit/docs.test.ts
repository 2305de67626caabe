/** The README's inputs and outputs tables say exactly what action.yml declares; its reserved names are the code's. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { ALLOWED_NAMES, RESERVED_NAMES, RESERVED_PREFIXES } from '../../src/names.ts';

const root = new URL('../../', import.meta.url);
const action = parse(readFileSync(new URL('action.yml', root), 'utf8')) as {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string }>;
};
const readme = readFileSync(new URL('README.md', root), 'utf8');

/** The rows of the Markdown table between `<!-- name:start -->` and `<!-- name:end -->`. */
function table(name: string): string[][] {
  const start = readme.indexOf(`<!-- ${name}:start -->`);
  const end = readme.indexOf(`<!-- ${name}:end -->`);
  assert.ok(start !== -1 && end > start, `README has no ${name} table`);
  return readme
    .slice(start, end)
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2)
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
}

const unquote = (cell: string) => cell.replace(/^`|`$/g, '');
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('README tables match action.yml', () => {
  it('lists every input, in order, with its default and description', () => {
    const rows = table('inputs');
    assert.deepEqual(
      rows.map(([name]) => unquote(name ?? '')),
      Object.keys(action.inputs),
    );
    for (const [name, fallback, description] of rows) {
      const input = action.inputs[unquote(name ?? '')];
      assert.ok(input);
      const expected =
        input.default === undefined ? '' : input.default === '' ? "''" : input.default;
      assert.equal(unquote(fallback ?? ''), expected, `default of ${name}`);
      assert.equal(description, oneLine(input.description), `description of ${name}`);
    }
  });

  it('lists every output with its description', () => {
    const rows = table('outputs');
    assert.deepEqual(
      rows.map(([name]) => unquote(name ?? '')),
      Object.keys(action.outputs),
    );
    for (const [name, description] of rows) {
      assert.equal(description, oneLine(action.outputs[unquote(name ?? '')]?.description ?? ''));
    }
  });

  it('declares node24 with an always-run post step', () => {
    const runs = (parse(readFileSync(new URL('action.yml', root), 'utf8')) as { runs: unknown })
      .runs;
    assert.deepEqual(runs, {
      using: 'node24',
      main: 'dist/index.js',
      post: 'dist/post.js',
      'post-if': 'always()',
    });
  });
});

describe('README reserved names match src/names.ts', () => {
  /** Every `NAME` or `PREFIX_*` between `<!-- reserved:start -->` and `<!-- reserved:end -->`. */
  function listed(): string[] {
    const start = readme.indexOf('<!-- reserved:start -->');
    const end = readme.indexOf('<!-- reserved:end -->');
    assert.ok(start !== -1 && end > start, 'README has no reserved list');
    return [...readme.slice(start, end).matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? '');
  }

  it('lists exactly the reserved names, each once', () => {
    const names = listed().filter((entry) => !entry.endsWith('*'));
    assert.deepEqual([...names].sort(), [...RESERVED_NAMES].sort());
    assert.equal(new Set(names).size, names.length, 'a name listed twice');
  });

  it('lists exactly the reserved prefixes, each once', () => {
    const prefixes = listed()
      .filter((entry) => entry.endsWith('*'))
      .map((entry) => entry.slice(0, -1));
    assert.deepEqual([...prefixes].sort(), [...RESERVED_PREFIXES].sort());
    assert.equal(new Set(prefixes).size, prefixes.length, 'a prefix listed twice');
  });

  it('says which names stay allowed despite a reserved prefix', () => {
    const after = readme.slice(readme.indexOf('<!-- reserved:end -->'));
    for (const name of ALLOWED_NAMES) {
      assert.ok(after.startsWith(`<!-- reserved:end -->\n\n\`${name}\` is allowed`), name);
    }
  });
});
