/**
 * The README's inputs and outputs tables say exactly what action.yml declares; the reserved names
 * of docs/what-to-load.md are the code's; what the comparison table (docs/modes.md) and the
 * migration guide (docs/migration.md) say of this action's inputs, defaults and names is true; the
 * messages they quote are the ones the pipeline gives; the README's workload-identity quick start
 * asks for the permission that mode needs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import type { SecretSource } from '../../src/backends/source.ts';
import { AUTH_MODES } from '../../src/backends/modes.ts';
import { ALLOWED_NAMES, isReserved, RESERVED_NAMES, RESERVED_PREFIXES } from '../../src/names.ts';
import { loadSecrets, type Open } from '../../src/run.ts';
import { MemoryRunner } from '../support/memory-runner.ts';

const root = new URL('../../', import.meta.url);
const action = parse(readFileSync(new URL('action.yml', root), 'utf8')) as {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string }>;
};
/** A Markdown file of the repository: README.md, or a page of docs/. */
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const readme = read('README.md');

/** The rows of the Markdown table between `<!-- name:start -->` and `<!-- name:end -->` in `text`. */
function table(name: string, text = readme): string[][] {
  const start = text.indexOf(`<!-- ${name}:start -->`);
  const end = text.indexOf(`<!-- ${name}:end -->`);
  assert.ok(start !== -1 && end > start, `no ${name} table`);
  return text
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

describe('docs/what-to-load.md reserved names match src/names.ts', () => {
  const page = read('docs/what-to-load.md');
  /** Every `NAME` or `PREFIX_*` between `<!-- reserved:start -->` and `<!-- reserved:end -->`. */
  function listed(): string[] {
    const start = page.indexOf('<!-- reserved:start -->');
    const end = page.indexOf('<!-- reserved:end -->');
    assert.ok(start !== -1 && end > start, 'docs/what-to-load.md has no reserved list');
    return [...page.slice(start, end).matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? '');
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
    const after = page.slice(page.indexOf('<!-- reserved:end -->'));
    for (const name of ALLOWED_NAMES) {
      assert.ok(after.startsWith(`<!-- reserved:end -->\n\n\`${name}\` is allowed`), name);
    }
  });
});

/** The text of the README section under `heading`, up to the next `## ` heading. */
function section(heading: string): string {
  const start = readme.indexOf(`\n${heading}\n`);
  assert.ok(start !== -1, `README has no ${heading}`);
  const end = readme.indexOf('\n## ', start + heading.length + 2);
  return readme.slice(start, end === -1 ? undefined : end);
}

describe("docs/modes.md comparison with 1Password's action: this action's column is true", () => {
  const rows = table('compare', read('docs/modes.md'));
  /** This action's cell of the row whose first cell starts with `label`. */
  const ours = (label: string): string => {
    const row = rows.find(([first]) => first?.startsWith(label));
    assert.ok(row, `no row ${label}`);
    return row[1] ?? '';
  };
  const backticked = (cell: string) => [...cell.matchAll(/`([a-z][a-z-]*)`/g)].map((m) => m[1]);

  it('states the export-env default that action.yml gives', () => {
    assert.equal(ours('`export-env` default'), `\`${action.inputs['export-env']?.default}\``);
  });

  it('names only inputs that action.yml declares, in rows this action has', () => {
    for (const [label = '', cell = ''] of rows) {
      if (/^(no|not)\b/.test(cell)) continue;
      for (const name of backticked(label).filter((word) => word?.includes('-'))) {
        assert.ok(name && name in action.inputs, `${label}: ${name} is not an input`);
      }
      for (const name of backticked(cell).filter((word) => word?.includes('-'))) {
        if (name === '1password/install-cli-action') continue;
        assert.ok(name && name in action.inputs, `${label}: ${name} is not an input`);
      }
    }
    assert.ok(action.inputs['unset-previous'], 'the unset-previous row');
    assert.ok(action.inputs['connect-ca'], 'the connect-ca row');
    assert.ok(AUTH_MODES.includes('cli'), 'the auth-mode: cli row');
  });

  it('says the version input is accepted exactly while action.yml declares it', () => {
    const cell = ours('`version` input');
    assert.equal(/^accepted\b/.test(cell), 'version' in action.inputs, cell);
    assert.doesNotMatch(cell, /not yet|planned/, cell);
  });

  it('says "yes" of workload identity and Environments exactly while the code has them', () => {
    const cell = ours('Workload identity');
    const has =
      (AUTH_MODES as readonly string[]).includes('workload-identity') &&
      ['workload-id', 'integration-key', 'environment'].every((name) => name in action.inputs);
    assert.equal(/^yes\b/.test(cell), has, cell);
    assert.doesNotMatch(cell, /not yet|planned/, cell);
  });

  it('has the templates and dry-run rows exactly while action.yml declares those inputs', () => {
    for (const [label, input] of [
      ['Templates', 'templates'],
      ['Dry runs', 'dry-run'],
    ] as const) {
      const row = rows.find(([first]) => first?.startsWith(label));
      assert.equal(row !== undefined && !/^(no|not)\b/.test(row[1] ?? ''), input in action.inputs);
      assert.ok(row?.[0]?.includes(`\`${input}\``), `${label} names ${input}`);
    }
  });

  it('the reserved names it names are reserved', () => {
    for (const name of ['PATH', 'NODE_OPTIONS']) {
      assert.ok(ours('Reserved names').startsWith('refused'));
      assert.ok(isReserved(name), name);
    }
  });
});

describe('docs/migration.md: what it says of this action is true', () => {
  const text = read('docs/migration.md');

  it('states the defaults that action.yml gives', () => {
    const stated = [...text.matchAll(/`([a-z][a-z-]*)` \(default `([^`]*)`/g)];
    assert.ok(
      stated.some((match) => match[1] === 'export-env'),
      'export-env default stated',
    );
    for (const [, name = '', value] of stated) {
      assert.equal(value, action.inputs[name]?.default, `default of ${name}`);
    }
  });

  it('names only inputs action.yml declares as the same', () => {
    const same = text.slice(text.indexOf('Same:'), text.indexOf('Different:'));
    for (const name of ['export-env', 'unset-previous']) {
      assert.ok(same.includes(`\`${name}\``), name);
      assert.ok(name in action.inputs, name);
    }
  });

  it('says version is accepted exactly while action.yml declares it, quoting its warning', async () => {
    const said = text.includes('**`version` is accepted, and installs nothing.**');
    assert.equal(said, 'version' in action.inputs);
    assert.doesNotMatch(text, /no `version` input|planned/i);
    const runner = new MemoryRunner({ inputs: { version: '2.31.1' } });
    await loadSecrets(runner);
    const warning = runner.warnings.find((message) => message.startsWith('version '));
    assert.ok(warning, 'the pipeline warns about version');
    assert.ok(text.includes(`\n  ${warning}\n`), `the page quotes: ${warning}`);
  });

  it('says workload identity works exactly while the code has the mode', () => {
    const has = (AUTH_MODES as readonly string[]).includes('workload-identity');
    assert.equal(text.includes('**Workload identity and Environments.**'), has);
    assert.doesNotMatch(text, /no workload identity/i);
  });

  it('the names it says are refused are reserved, and GITHUB_TOKEN is not', () => {
    const refused = text.slice(text.indexOf('**Reserved names are refused.**'));
    assert.ok(refused.includes('](what-to-load.md)'), 'links to the reserved list');
    for (const name of ['PATH', 'NODE_OPTIONS', 'GITHUB_X']) assert.ok(isReserved(name), name);
    for (const name of ['OP_WORKLOAD_ID', 'OP_INTEGRATION_KEY', 'OP_ENVIRONMENT_ID']) {
      assert.ok(text.includes(`\`${name}\``), name);
      assert.ok(isReserved(name), name);
    }
    assert.ok(refused.includes('`GITHUB_TOKEN` stays'));
    assert.equal(isReserved('GITHUB_TOKEN'), false);
  });
});

describe('README quick start for workload identity: the workflow can work', () => {
  const text = section('## Quick start: workload identity');
  const block = /```yaml\n([\s\S]*?)```/.exec(text)?.[1];
  const workflow = parse(block ?? '') as {
    permissions?: Record<string, string>;
    jobs?: Record<string, { steps?: { uses?: string; env?: Record<string, string> }[] }>;
  };

  it('asks for id-token: write (the runner offers no OIDC token without it) and contents: read', () => {
    assert.ok(block, 'a yaml block');
    assert.equal(workflow.permissions?.['id-token'], 'write');
    assert.equal(workflow.permissions?.['contents'], 'read');
  });

  it("sets the variables the inputs fall back to, the integration key from the repository's secrets", () => {
    const step = Object.values(workflow.jobs ?? {})
      .flatMap((job) => job.steps ?? [])
      .find((candidate) => candidate.uses?.startsWith('OWNER/REPO@'));
    assert.ok(step?.env, 'a step using the action, with env');
    for (const [input, variable] of [
      ['workload-id', 'OP_WORKLOAD_ID'],
      ['integration-key', 'OP_INTEGRATION_KEY'],
      ['environment', 'OP_ENVIRONMENT_ID'],
    ] as const) {
      assert.ok(step.env[variable], variable);
      assert.ok(action.inputs[input]?.description.includes(`\`${variable}\``), input);
    }
    assert.match(step.env['OP_INTEGRATION_KEY'] ?? '', /^\$\{\{ secrets\.\w+ \}\}$/);
  });
});

describe('docs/dry-runs.md: the heading and the column it quotes are what a dry run gives', () => {
  const text = read('docs/dry-runs.md');
  /** A backend with one Environment of one variable. */
  const open: Open = () =>
    Promise.resolve({
      source: {
        readEnvironment: () => Promise.resolve([{ name: 'API_KEY', value: 'v4lue-for-docs' }]),
        close: () => Promise.resolve(),
      } as unknown as SecretSource,
      warnings: [],
    });

  it('says the summary heading and "Exported as" of a dry run with export-env', async () => {
    const runner = new MemoryRunner({
      inputs: { 'dry-run': 'true', 'export-env': 'true', environment: 'docs-env' },
      env: { OP_SERVICE_ACCOUNT_TOKEN: 'ops_docsTestToken' },
    });
    await loadSecrets(runner, open);
    assert.equal(runner.failed, false, JSON.stringify(runner.errors));
    const summary = runner.summaries[0];
    assert.ok(summary);
    assert.ok(text.includes(`"${summary.heading}"`), summary.heading);
    const exportedAs = summary.table[1]?.[2] ?? '';
    assert.ok(text.includes(`\`${exportedAs}\``), exportedAs);
    assert.deepEqual(Object.keys(runner.outputs).sort(), ['refresh-at', 'resolved-at']);
    assert.ok(/`resolved-at` and `refresh-at`/.test(text));
  });
});
