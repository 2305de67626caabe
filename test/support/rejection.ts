/** The SecretsError a promise rejects with; fails the test if it resolves or rejects otherwise. */
import assert from 'node:assert/strict';
import { SecretsError } from '../../src/errors.ts';

export async function rejection(promise: Promise<unknown>): Promise<SecretsError> {
  let caught: unknown;
  await promise.then(
    () => assert.fail('expected a rejection'),
    (error: unknown) => {
      caught = error;
    },
  );
  assert.ok(caught instanceof SecretsError, `not a SecretsError: ${String(caught)}`);
  return caught;
}
