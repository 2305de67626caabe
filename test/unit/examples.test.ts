/**
 * The examples are wired as the action works: what they give it are inputs of action.yml and
 * secrets its own parser accepts, every `steps.<id>.outputs.NAME` they read is an output that
 * step sets, and every other action is pinned to a commit with its version beside it.
 * (test/unit/workflows.test.ts runs actionlint over the same files.)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { readSpecs } from '../../src/work.ts';
import { WORKFLOW_FILES } from '../../scripts/lint-workflows.ts';
import { inputsWith } from '../support/inputs.ts';
import { MemoryRunner } from '../support/memory-runner.ts';

const root = new URL('../../', import.meta.url);
const action = parse(readFileSync(new URL('action.yml', root), 'utf8')) as {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
};

interface Step {
  id?: string;
  uses?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Workflow {
  jobs: Record<string, { steps: Step[] }>;
}

/** This action as the examples name it (sub-actions such as `OWNER/REPO/configure@v1` aside). */
const THIS_ACTION = 'OWNER/REPO@v1';
const examples = WORKFLOW_FILES.filter((file) => file.startsWith('examples/'));

/**
 * The names a step of this action sets as outputs: action.yml's, one per secret (from `secrets`
 * and the step's `op://` variables, through the action's own parser) and one per template.
 */
async function outputsOf(step: Step): Promise<string[]> {
  // OP_ENV_FILE names a file of the user's repository, absent here.
  const env = Object.fromEntries(
    Object.entries(step.env ?? {}).filter(([name]) => name !== 'OP_ENV_FILE'),
  );
  const { specs, errors } = await readSpecs(
    inputsWith({ secrets: step.with?.['secrets'] ?? '' }),
    new MemoryRunner({ env }),
  );
  assert.deepEqual(
    errors.map((error) => error.message),
    [],
  );
  const templates = (parse(step.with?.['templates'] ?? '') ?? {}) as Record<string, unknown>;
  return [
    ...Object.keys(action.outputs),
    ...specs.map((spec) => spec.name),
    ...Object.keys(templates),
  ];
}

describe('examples use the action as it works', () => {
  it('include the recipes for a registry login, AWS keys and an SSH deploy key', () => {
    for (const recipe of ['docker-login', 'aws-access-keys', 'ssh-deploy-key']) {
      assert.ok(examples.includes(`examples/${recipe}.yml`), recipe);
    }
  });

  for (const file of examples) {
    const text = readFileSync(new URL(file, root), 'utf8');
    const workflow = parse(text) as Workflow;

    it(`${file}: pins every other action to a commit, its version in a comment`, () => {
      for (const [, uses, rest] of text.matchAll(/^\s*(?:- )?uses: (\S+)(.*)$/gm)) {
        if (uses?.startsWith('OWNER/REPO')) continue;
        assert.match(uses ?? '', /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/, `${uses} is not pinned`);
        assert.match(rest ?? '', /^ # v\d+(\.\d+)*$/, `${uses} has no version comment`);
      }
    });

    it(`${file}: gives the action only its inputs, and secrets its parser accepts`, async () => {
      const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
      assert.ok(steps.some((step) => step.uses?.startsWith('OWNER/REPO')));
      for (const step of steps.filter((candidate) => candidate.uses === THIS_ACTION)) {
        for (const input of Object.keys(step.with ?? {})) {
          assert.ok(input in action.inputs, `${input} is not an input`);
        }
        await outputsOf(step);
      }
    });

    it(`${file}: reads only outputs the action's step sets`, async () => {
      for (const job of Object.values(workflow.jobs)) {
        const jobText = JSON.stringify(job);
        for (const [read, id, name] of jobText.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
          const index = job.steps.findIndex((step) => step.id === id);
          const step = job.steps[index];
          assert.ok(step, `${read}: no step ${id}`);
          if (step.uses !== THIS_ACTION) continue;
          assert.ok((await outputsOf(step)).includes(name ?? ''), `${read}: not an output`);
          assert.ok(
            job.steps
              .slice(0, index + 1)
              .every((earlier) => !JSON.stringify(earlier).includes(read)),
            `${read} is read before the step runs`,
          );
        }
      }
    });
  }
});
