/** What e2e tests ask of a step's result again and again. */
import assert from 'node:assert/strict';
import type { Annotation, StepResult } from './runner.ts';

/** The step's error annotations (`::error title=CODE::message`), in order. */
export function errorsOf(result: StepResult): Annotation[] {
  return result.annotations.filter((annotation) => annotation.level === 'error');
}

/** Exit 1, one error annotation with `code` matching `message`, nothing set or exported. */
export function assertFailedWith(result: StepResult, code: string, message: RegExp): void {
  assert.equal(result.timedOut, false, 'the step was killed by the harness');
  assert.equal(result.exitCode, 1, result.stdout);
  assert.deepEqual(
    errorsOf(result).map((error) => error.title),
    [code],
    result.stdout,
  );
  assert.match(errorsOf(result)[0]?.message ?? '', message);
  assert.deepEqual(result.outputs, {});
  assert.deepEqual(result.exportedEnv, {});
  assert.deepEqual(result.state, {});
}
