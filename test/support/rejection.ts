/** The error a promise rejects with; fails the test if it resolves or rejects with another kind. */
import assert from 'node:assert/strict';
import { SecretsError } from '../../src/errors.ts';

type ErrorClass<T> = abstract new (...args: never[]) => T;

export async function rejectionOf<T extends Error>(
  promise: Promise<unknown>,
  kind: ErrorClass<T>,
): Promise<T> {
  let caught: unknown;
  await promise.then(
    () => assert.fail('expected a rejection'),
    (error: unknown) => {
      caught = error;
    },
  );
  assert.ok(caught instanceof kind, `not a ${kind.name}: ${String(caught)}`);
  return caught;
}

/** The SecretsError a promise rejects with. */
export function rejection(promise: Promise<unknown>): Promise<SecretsError> {
  return rejectionOf(promise, SecretsError);
}
